#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

/// Appends rows as CSV or JSON lines to a part file (`part-<uuid>-0.csv`) in the `path`
/// directory, as Flink's filesystem sink does. The file is created with the first row, so an
/// empty result leaves an empty directory. Writes are buffered; `flush` writes and syncs.
///
/// The sink is append-only: a changelog row (`-U`, `+U`, `-D`) is an error.
public final class FileSinkWriter: SinkWriter {
    private let relationName: String
    private let directory: String
    public let partFile: String
    private let format: FileFormat
    private let names: [String]
    // Two optionals rather than an enum, so encoding mutates the encoder's scratch buffers in
    // place instead of copying them out of an enum payload for every batch.
    private var csvEncoder: CSVEncoder?
    private var jsonEncoder: JSONLinesEncoder?
    private var buffer: [UInt8] = []
    private var fd: Int32 = -1
    public private(set) var rowsWritten = 0

    static let flushThreshold = 1 << 20

    convenience init(relation: Relation, format: FileFormat, context: ConnectorContext) throws {
        try self.init(
            relationName: relation.name, directory: FileList.resolve(format.path, against: context.workingDirectory),
            fields: relation.schema.fields, format: format)
    }

    /// A writer of rows of `fields` into a part file in `directory`, created if missing.
    init(relationName: String, directory: String, fields: [Field], format: FileFormat) throws {
        self.relationName = relationName
        self.format = format
        self.directory = directory
        names = fields.map(\.name)
        let types = fields.map(\.type)
        switch format.kind {
        case .csv:
            csvEncoder = CSVEncoder(types: types, options: format.csv)
            partFile = (directory as NSString).appendingPathComponent("part-\(UUID().uuidString.lowercased())-0.csv")
        case .json:
            jsonEncoder = JSONLinesEncoder(types: types, names: names)
            partFile = (directory as NSString).appendingPathComponent("part-\(UUID().uuidString.lowercased())-0.json")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw SQLError(
                .ioError, "sink path '\(directory)' is a file, but the filesystem sink writes part files into a directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SQLError(.ioError, "cannot create sink directory '\(directory)': \(error.localizedDescription)")
        }
        buffer.reserveCapacity(Self.flushThreshold + (64 << 10))
    }

    deinit {
        try? close()
    }

    public func write(_ batch: RowBatch) throws {
        try Self.refuseChanges(batch, sink: relationName)
        guard batch.count > 0 else { return }
        if fd < 0 { try openPart() }
        if csvEncoder != nil {
            csvEncoder!.encode(batch, into: &buffer)
        } else {
            jsonEncoder!.encode(batch, into: &buffer)
        }
        rowsWritten += batch.count
        if buffer.count >= Self.flushThreshold { try writeBuffer() }
    }

    /// Files take inserts only: a changelog row (`-U`, `+U`, `-D`) is an error.
    static func refuseChanges(_ batch: RowBatch, sink relationName: String) throws(SQLError) {
        if let kinds = batch.kinds, let change = kinds.first(where: { $0 != .insert }) {
            throw SQLError(
                .featureNotSupported,
                "sink '\(relationName)' (filesystem) is append-only and cannot apply changelog row \(change)",
                hint: "write a changelog into an upsert sink such as 'sqlite' with a PRIMARY KEY")
        }
    }

    public func flush() throws {
        try writeBuffer()
        if fd >= 0 { _ = fsync(fd) }
    }

    public func close() throws {
        try flush()
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    private func openPart() throws {
        fd = open(partFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else {
            throw SQLError(.ioError, "cannot create '\(partFile)': \(String(cString: strerror(errno)))")
        }
        if format.csv.header, format.kind == .csv {
            var header = ValueText.joinedHeader(names, delimiter: format.csv.delimiter)
            header.append(10)
            buffer.insert(contentsOf: header, at: 0)
        }
    }

    private func writeBuffer() throws {
        guard fd >= 0, !buffer.isEmpty else { return }
        var written = 0
        try buffer.withUnsafeBufferPointer { all in
            while written < all.count {
                let n = Glibc.write(fd, all.baseAddress! + written, all.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SQLError(.ioError, "cannot write '\(partFile)': \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
