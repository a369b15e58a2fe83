#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import RivuletCore
public import RivuletRuntime

/// Writes rows as text lines, `+I[v1, v2, ...]` (NULL as `null`), buffered, to standard output
/// or standard error. Takes changelogs: the change is part of each line.
public final class PrintSink: SinkWriter {
    private let types: [SQLType]
    private let prefix: [UInt8]
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    public init(types: [SQLType], identifier: String?, toStandardError: Bool) {
        self.types = types
        prefix = identifier.map { Array("\($0)> ".utf8) } ?? []
        descriptor = toStandardError ? 2 : 1
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ batch: RowBatch) throws {
        for row in 0..<batch.count {
            buffer.append(contentsOf: prefix)
            buffer.append(contentsOf: batch.kind(row).description.utf8)
            buffer.append(UInt8(ascii: "["))
            for column in batch.columns.indices {
                if column > 0 { buffer.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
                let value = batch.columns[column].value(at: row, type: types[column])
                buffer.append(contentsOf: (value.isNull ? "null" : value.description).utf8)
            }
            buffer.append(contentsOf: [UInt8(ascii: "]"), 10])
            if buffer.count >= 1 << 16 { try flush() }
        }
    }

    public func flush() throws {
        var written = 0
        while written < buffer.count {
            let n = buffer.withUnsafeBytes { all in Glibc.write(descriptor, all.baseAddress! + written, all.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SQLError(.ioError, "cannot write to standard \(descriptor == 1 ? "output" : "error"): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() throws {
        try flush()
    }
}
