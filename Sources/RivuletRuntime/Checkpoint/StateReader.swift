public import RivuletCore

/// Where a `StateReader` gets more bytes once its buffer is used up: the rest of a checkpoint
/// file, or the next chunk of a section.
public protocol StateInputStream: AnyObject {
    /// The next bytes; nil at the end.
    func next() throws(SQLError) -> [UInt8]?
    /// At most how many bytes are still to come (bounds the counts a reader believes).
    var pendingBytes: Int { get }
}

/// Reads back what a `StateWriter` wrote, in the same order. Every read checks bounds and throws
/// a `SQLError` on a truncated or malformed checkpoint rather than trapping.
///
/// A reader over a stream holds only what it is reading (a chunk at a time), so restoring a
/// checkpoint larger than memory never loads it whole; a reader over bytes reads them in place.
public struct StateReader {
    private var bytes: [UInt8]
    private var offset = 0
    private var stream: (any StateInputStream)?

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public init(stream: any StateInputStream) {
        bytes = []
        self.stream = stream
    }

    /// Whether everything has been read (asks the stream for more when the buffer is used up).
    public mutating func isAtEnd() throws(SQLError) -> Bool {
        offset == bytes.count ? try !fill(1) : false
    }

    /// At most how many bytes are left.
    fileprivate var remaining: Int { bytes.count - offset + (stream?.pendingBytes ?? 0) }

    /// Whether `count` bytes are buffered from `offset`, after bringing in what the stream has.
    @inline(__always)
    private mutating func has(_ count: Int) throws(SQLError) -> Bool {
        bytes.count - offset >= count ? true : try fill(count)
    }

    private mutating func fill(_ count: Int) throws(SQLError) -> Bool {
        guard let stream else { return false }
        bytes.removeFirst(offset)
        offset = 0
        while bytes.count < count {
            guard let chunk = try stream.next() else {
                self.stream = nil
                return false
            }
            bytes.append(contentsOf: chunk)
        }
        return true
    }

    public mutating func readUInt64() throws(SQLError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard try has(1), shift < 64 else { throw Self.corrupt("a truncated number") }
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    public mutating func readInt64() throws(SQLError) -> Int64 {
        let raw = try readUInt64()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func readInt() throws(SQLError) -> Int { Int(try readInt64()) }

    /// A count or index: never negative, never more than `limit`.
    public mutating func readCount(limit: Int = Int(Int32.max)) throws(SQLError) -> Int {
        let value = try readInt64()
        guard value >= 0, value <= Int64(limit) else { throw Self.corrupt("a count of \(value)") }
        return Int(value)
    }

    /// What `StateWriter.write(wide:)` wrote.
    public mutating func readWide() throws(SQLError) -> Int128 {
        let low = try readUInt64()
        return Int128(try readInt64()) << 64 | Int128(low)
    }

    public mutating func readInt32() throws(SQLError) -> Int32 {
        let value = try readInt64()
        guard let narrow = Int32(exactly: value) else { throw Self.corrupt("an id of \(value)") }
        return narrow
    }

    public mutating func readBool() throws(SQLError) -> Bool {
        guard try has(1) else { throw Self.corrupt("a truncated flag") }
        defer { offset += 1 }
        return bytes[offset] != 0
    }

    public mutating func readDouble() throws(SQLError) -> Double {
        guard try has(8) else { throw Self.corrupt("a truncated number") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += 8
        return Double(bitPattern: bits)
    }

    public mutating func readBytes() throws(SQLError) -> [UInt8] {
        let count = try readCount(limit: remaining)
        // The limit was taken before the count's own bytes were read.
        guard try has(count) else { throw Self.corrupt("\(count) bytes where \(bytes.count - offset) are left") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    public mutating func readString() throws(SQLError) -> String {
        String(decoding: try readBytes(), as: UTF8.self)
    }

    /// A section written by `writeSection`, read a chunk at a time; `body` must consume all of it.
    public mutating func readSection<T>(_ body: (inout StateReader) throws -> T) throws -> T {
        let chunks = SectionChunks(self)
        var inner = StateReader(stream: chunks)
        let value = try body(&inner)
        guard try inner.isAtEnd() else { throw Self.corrupt("a section with unread bytes") }
        self = chunks.outer
        return value
    }

    public mutating func readColumn() throws(SQLError) -> Column {
        guard try has(1) else { throw Self.corrupt("a truncated column") }
        let code = bytes[offset]
        offset += 1
        let count = try readCount(limit: remaining)
        var column: Column
        switch code {
        case 0, 1:
            var ints: [Int64] = []
            ints.reserveCapacity(count)
            for _ in 0..<count { ints.append(try readInt64()) }
            column = Column(ints: ints, kind: code == 0 ? .bool : .int64)
        case 6:
            var wides: [Int128] = []
            wides.reserveCapacity(count)
            for _ in 0..<count { wides.append(try readWide()) }
            column = Column(kind: .int128)
            column.wides = wides
        case 2:
            var doubles: [Double] = []
            doubles.reserveCapacity(count)
            for _ in 0..<count { doubles.append(try readDouble()) }
            column = Column(doubles: doubles)
        case 3:
            var strings = ByteColumn()
            var lengths: [Int] = []
            lengths.reserveCapacity(count)
            var total = 0
            for _ in 0..<count {
                let length = try readCount(limit: remaining)
                lengths.append(length)
                total += length
            }
            guard try has(total) else { throw Self.corrupt("truncated text") }
            for length in lengths {
                bytes.withUnsafeBufferPointer { all in
                    strings.append(UnsafeBufferPointer(rebasing: all[offset..<offset + length]))
                }
                offset += length
            }
            column = Column(strings: strings)
        case 4, 5:
            var ints: [Int64] = []
            ints.reserveCapacity(count)
            for _ in 0..<count { ints.append(try readInt64()) }
            var children: [Column] = []
            for _ in 0..<(try readCount(limit: 1 << 16)) { children.append(try readColumn()) }
            if code == 4 {
                var previous: Int64 = 0
                for end in ints {
                    guard end >= previous else { throw Self.corrupt("list offsets that go backwards") }
                    previous = end
                }
                guard children.allSatisfy({ $0.count == Int(previous) }) else { throw Self.corrupt("a list column whose children do not match its offsets") }
            } else {
                guard children.allSatisfy({ $0.count == count }) else { throw Self.corrupt("a struct column whose fields differ in length") }
            }
            column = Column(kind: code == 4 ? .list : .struct, ints: ints, children: children)
        default:
            throw Self.corrupt("a column of unknown kind \(code)")
        }
        if try readBool() {
            var words: [UInt64] = []
            for _ in 0..<(count + 63) / 64 { words.append(try readUInt64()) }
            column.validity = Validity(words: words, count: count)
        }
        return column
    }

    public static func corrupt(_ what: String) -> SQLError {
        SQLError(.ioError, "checkpoint is damaged: found \(what)",
                 hint: "remove the query's folder under <data-dir>/queries to start it afresh")
    }
}

/// The chunks of a section (`StateWriter.writeSection`), pulled from the reader around it as
/// the section's reader needs them; the empty chunk that ends the section ends the stream.
private final class SectionChunks: StateInputStream {
    var outer: StateReader
    private var ended = false

    init(_ outer: StateReader) { self.outer = outer }

    func next() throws(SQLError) -> [UInt8]? {
        guard !ended else { return nil }
        let chunk = try outer.readBytes()
        ended = chunk.isEmpty
        return ended ? nil : chunk
    }

    var pendingBytes: Int { ended ? 0 : outer.remaining }
}
