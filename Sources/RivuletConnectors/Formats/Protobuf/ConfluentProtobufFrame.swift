/// The framing of Confluent's `PROTOBUF` format around a protobuf message: a zero magic byte,
/// the schema's registry id as 4 big-endian bytes, then the path of message indexes naming the
/// message within the schema (`ProtoSchema.message(atIndexes:)`) as zig-zag varints: the count,
/// then each index; the common path `[0]` is the single byte 0.
public enum ConfluentProtobufFrame {
    public struct Header: Equatable, Sendable {
        public var schemaId: Int32
        public var messageIndexes: [Int]
        /// Where the protobuf message starts in the framed bytes.
        public var payloadOffset: Int

        public init(schemaId: Int32, messageIndexes: [Int], payloadOffset: Int) {
            self.schemaId = schemaId
            self.messageIndexes = messageIndexes
            self.payloadOffset = payloadOffset
        }
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ProtobufDecodeError) -> Header {
        guard bytes.count >= 5, bytes[0] == 0 else {
            throw ProtobufDecodeError(reason: "not in Confluent's schema registry framing (no magic byte 0 and schema id)")
        }
        let schemaId = Int32(bitPattern: bytes[1..<5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        let (indexes, offset) = try messageIndexes(bytes, from: 5)
        return Header(schemaId: schemaId, messageIndexes: indexes, payloadOffset: offset)
    }

    /// The message indexes at `start` of `bytes` (after the schema id), and where the message starts.
    public static func messageIndexes(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0) throws(ProtobufDecodeError) -> ([Int], Int) {
        var reader = ProtoReader(bytes, range: start..<bytes.count)
        let count = ProtoWriter.unZigZag(try reader.varint())
        guard count >= 0, count <= 64 else { throw ProtobufDecodeError(reason: "invalid message index count \(count)") }
        var indexes: [Int] = []
        for _ in 0..<count { indexes.append(Int(ProtoWriter.unZigZag(try reader.varint()))) }
        return (count == 0 ? [0] : indexes, reader.position)
    }

    /// The bytes that go before a message of `schemaId` at `messageIndexes`.
    public static func header(schemaId: Int32, messageIndexes: [Int] = [0]) -> [UInt8] {
        var bytes: [UInt8] = [0]
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: UInt32(bitPattern: schemaId) >> UInt32(shift))) }
        appendMessageIndexes(messageIndexes, to: &bytes)
        return bytes
    }

    /// Appends `indexes` as the framing writes them: `[0]` as the single byte 0.
    public static func appendMessageIndexes(_ indexes: [Int], to bytes: inout [UInt8]) {
        if indexes == [0] {
            bytes.append(0)
        } else {
            ProtoWriter.varint(ProtoWriter.zigZag(Int64(indexes.count)), into: &bytes)
            for index in indexes { ProtoWriter.varint(ProtoWriter.zigZag(Int64(index)), into: &bytes) }
        }
    }
}
