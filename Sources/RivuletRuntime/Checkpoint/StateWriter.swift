public import RivuletCore

/// Appends operator state and source positions to a checkpoint in a compact binary form:
/// integers as LEB128 varints (signed ones zigzagged), doubles as their 8 bit-pattern bytes,
/// byte strings length-prefixed, and columns as whole buffers, so large state costs about its
/// in-memory size. `StateReader` reads the same sequence back.
///
/// A writer made with an output (a checkpoint file) hands its bytes on a chunk at a time, so a
/// checkpoint of state larger than memory (spilled keys) never lies in memory whole; `bytes`
/// then holds only what is not handed on yet.
public struct StateWriter {
    public private(set) var bytes: [UInt8] = []
    private var output: (any StateOutput)?
    /// Bytes already handed to `output`.
    private var handedOn = 0
    static let chunkSize = 1 << 20

    public init() {}

    public init(output: any StateOutput) {
        self.output = output
    }

    /// Every byte written, those handed on included.
    public var count: Int { handedOn + bytes.count }

    /// Hands the bytes held to the output, if there is one.
    public mutating func handOn() {
        guard let output, !bytes.isEmpty else { return }
        output.write(bytes)
        handedOn += bytes.count
        bytes.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private mutating func handOnIfFull() {
        if bytes.count >= Self.chunkSize, output != nil { handOn() }
    }

    public mutating func write(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
        handOnIfFull()
    }

    public mutating func write(_ value: Int64) {
        write(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func write(_ value: Int) { write(Int64(value)) }

    public mutating func write(_ value: Int32) { write(Int64(value)) }

    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func write(_ value: Double) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
        handOnIfFull()
    }

    public mutating func write<Bytes: Collection<UInt8>>(bytes value: Bytes) {
        write(value.count)
        bytes.append(contentsOf: value)
        handOnIfFull()
    }

    public mutating func write(_ value: String) { write(bytes: Array(value.utf8)) }

    /// Bytes another writer wrote, appended as they are (a position saved earlier).
    public mutating func append(_ other: StateWriter) {
        append(written: other.bytes)
    }

    /// Bytes a writer wrote earlier (kept on disk since), appended as they are.
    public mutating func append(written: [UInt8]) {
        bytes.append(contentsOf: written)
        handOnIfFull()
    }

    /// A nested section, as chunks of its bytes (each length-prefixed) ended by an empty one, so
    /// a reader can check it consumed exactly the section, and a writer handing its bytes on
    /// never holds a whole section (an operator's state) in memory.
    public mutating func writeSection(_ body: (inout StateWriter) throws -> Void) rethrows {
        if let output {
            handOn()
            let chunks = SectionChunks(into: output)
            var inner = StateWriter(output: chunks)
            try body(&inner)
            inner.handOn()
            handedOn += chunks.forwarded
        } else {
            var inner = StateWriter()
            try body(&inner)
            if !inner.bytes.isEmpty { write(bytes: inner.bytes) }
        }
        write(UInt64(0))
    }

    /// A column: its kind, row count, values and NULL bitmap. A streaming writer hands its bytes
    /// on as they fill a chunk, so a column of millions of rows is never all in memory twice.
    public mutating func write(_ column: Column) {
        bytes.append(Self.code(column.kind))
        write(column.count)
        switch column.kind {
        case .bool, .int64: for v in column.ints { write(v) }
        case .int128: for v in column.wides { write(wide: v) }
        case .list, .struct:
            // Offsets (a struct's are zeros), then the children, each a column of its own.
            for v in column.ints { write(v) }
            write(column.children.count)
            for child in column.children { write(child) }
        case .double: for v in column.doubles { write(v) }
        case .bytes:
            for i in 0..<column.strings.count { write(column.strings.length(i)) }
            var start = column.strings.offsets[0]
            let end = column.strings.offsets[column.strings.count]
            while start < end {
                let piece = min(end, start + Self.chunkSize)
                bytes.append(contentsOf: column.strings.bytes[start..<piece])
                handOnIfFull()
                start = piece
            }
        }
        if let validity = column.validity {
            write(true)
            let words = validity.words
            for i in 0..<(column.count + 63) / 64 { write(i < words.count ? words[i] : 0) }
        } else {
            write(false)
        }
        handOnIfFull()
    }

    static func code(_ kind: PhysicalKind) -> UInt8 {
        switch kind {
        case .bool: return 0
        case .int64: return 1
        case .double: return 2
        case .bytes: return 3
        case .list: return 4
        case .struct: return 5
        case .int128: return 6
        }
    }

    /// A 128-bit integer (a wide DECIMAL's unscaled value): its low and high 64 bits.
    public mutating func write(wide value: Int128) {
        write(UInt64(truncatingIfNeeded: value))
        write(Int64(truncatingIfNeeded: value >> 64))
    }
}

/// Where a `StateWriter` made with an output hands its bytes, a chunk at a time, in order. A
/// failure is kept by the output and reported when it is finished, not by every write.
public protocol StateOutput: AnyObject {
    func write(_ chunk: [UInt8])
}

/// The chunks of a section written inside a streaming writer, each forwarded length-prefixed.
private final class SectionChunks: StateOutput {
    private let target: any StateOutput
    private(set) var forwarded = 0

    init(into target: any StateOutput) {
        self.target = target
    }

    func write(_ chunk: [UInt8]) {
        var framed = StateWriter()
        framed.write(bytes: chunk)
        target.write(framed.bytes)
        forwarded += framed.bytes.count
    }
}
