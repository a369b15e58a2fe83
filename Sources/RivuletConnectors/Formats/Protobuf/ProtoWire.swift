/// Protobuf's wire types: how a field's bytes are framed after its tag.
enum ProtoWireType: Int {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}

/// Why bytes did not decode as the message.
public struct ProtobufDecodeError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// Reads protobuf's wire format from a buffer: varints, fixed-width little-endian numbers,
/// length-delimited slices, and tags.
struct ProtoReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        position = 0
        end = bytes.count
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    var atEnd: Bool { position >= end }

    mutating func varint() throws(ProtobufDecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end {
            let byte = bytes[position]
            position += 1
            if shift < 64 { result |= UInt64(byte & 0x7f) << shift }
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift >= 70 { throw ProtobufDecodeError(reason: "a varint is longer than 10 bytes") }
        }
        throw ProtobufDecodeError(reason: "the message ends inside a varint")
    }

    mutating func fixed32() throws(ProtobufDecodeError) -> UInt32 {
        guard end - position >= 4 else { throw ProtobufDecodeError(reason: "the message ends inside a fixed32") }
        var value: UInt32 = 0
        for i in (0..<4).reversed() { value = value << 8 | UInt32(bytes[position + i]) }
        position += 4
        return value
    }

    mutating func fixed64() throws(ProtobufDecodeError) -> UInt64 {
        guard end - position >= 8 else { throw ProtobufDecodeError(reason: "the message ends inside a fixed64") }
        var value: UInt64 = 0
        for i in (0..<8).reversed() { value = value << 8 | UInt64(bytes[position + i]) }
        position += 8
        return value
    }

    /// The range of a length-delimited field's bytes, skipped over.
    mutating func lengthDelimited() throws(ProtobufDecodeError) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - position) else { throw ProtobufDecodeError(reason: "a length-delimited field runs past the message's end") }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    /// The next tag: field number and wire type.
    mutating func tag() throws(ProtobufDecodeError) -> (number: Int, wireType: ProtoWireType) {
        let key = try varint()
        guard let wireType = ProtoWireType(rawValue: Int(key & 7)), key >> 3 > 0, key >> 3 <= 536_870_911 else {
            throw ProtobufDecodeError(reason: "invalid field tag \(key)")
        }
        return (Int(key >> 3), wireType)
    }

    /// Skips a field of an unknown number.
    mutating func skip(_ wireType: ProtoWireType, number: Int) throws(ProtobufDecodeError) {
        switch wireType {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .fixed32: _ = try fixed32()
        case .lengthDelimited: _ = try lengthDelimited()
        case .startGroup:
            while true {
                let (inner, type) = try tag()
                if type == .endGroup {
                    guard inner == number else { throw ProtobufDecodeError(reason: "a group ends with the wrong field number") }
                    return
                }
                try skip(type, number: inner)
            }
        case .endGroup: throw ProtobufDecodeError(reason: "a group ends that did not start")
        }
    }
}

/// Appends protobuf's wire format to a byte array.
enum ProtoWriter {
    static func varint(_ value: UInt64, into bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    static func tag(_ number: Int, _ wireType: ProtoWireType, into bytes: inout [UInt8]) {
        varint(UInt64(number) << 3 | UInt64(wireType.rawValue), into: &bytes)
    }

    static func fixed32(_ value: UInt32, into bytes: inout [UInt8]) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    static func fixed64(_ value: UInt64, into bytes: inout [UInt8]) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    /// Writes `body`'s output behind its varint length: the body goes to the end, then moves
    /// right by the length's size.
    static func lengthDelimited(into bytes: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        let start = bytes.count
        body(&bytes)
        var length: [UInt8] = []
        varint(UInt64(bytes.count - start), into: &length)
        bytes.insert(contentsOf: length, at: start)
    }

    static func zigZag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    static func unZigZag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }
}
