/// Reads the big-endian integers and NUL-terminated strings of Postgres's wire formats from a
/// message, failing (never trapping) on a message cut short.
struct WireReader {
    struct Truncated: Error {}

    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], from offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws(Truncated) -> UInt8 {
        guard offset < bytes.count else { throw Truncated() }
        offset += 1
        return bytes[offset - 1]
    }

    mutating func uint16() throws(Truncated) -> UInt16 { UInt16(try unsigned(2)) }
    mutating func uint32() throws(Truncated) -> UInt32 { UInt32(try unsigned(4)) }
    mutating func int32() throws(Truncated) -> Int32 { Int32(bitPattern: try uint32()) }
    mutating func uint64() throws(Truncated) -> UInt64 { try unsigned(8) }
    mutating func int64() throws(Truncated) -> Int64 { Int64(bitPattern: try uint64()) }

    mutating func bytes(_ count: Int) throws(Truncated) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw Truncated() }
        offset += count
        return Array(bytes[(offset - count)..<offset])
    }

    /// A NUL-terminated string.
    mutating func string() throws(Truncated) -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw Truncated() }
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        offset = end + 1
        return text
    }

    /// The bytes not read yet.
    mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }

    private mutating func unsigned(_ count: Int) throws(Truncated) -> UInt64 {
        guard bytes.count - offset >= count else { throw Truncated() }
        var value: UInt64 = 0
        for byte in bytes[offset..<(offset + count)] { value = value << 8 | UInt64(byte) }
        offset += count
        return value
    }
}
