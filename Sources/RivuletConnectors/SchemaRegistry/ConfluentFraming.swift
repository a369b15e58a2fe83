/// Confluent's wire format for records whose schema is in a Schema Registry: a zero magic byte,
/// the schema id as 4 bytes big-endian, then the record in the schema's own encoding.
enum ConfluentFraming {
    static let headerSize = 5

    static func appendHeader(id: Int, to out: inout [UInt8]) {
        out.append(0)
        for shift in [24, 16, 8, 0] { out.append(UInt8(truncatingIfNeeded: id >> shift)) }
    }

    /// The schema id and the record's bytes, or why `message` is not in the format.
    static func split(_ message: UnsafeBufferPointer<UInt8>) -> Result<(id: Int, body: UnsafeBufferPointer<UInt8>), FramingError> {
        guard message.count >= headerSize else { return .failure(FramingError(reason: "the record is shorter than a schema registry header (5 bytes)")) }
        guard message[0] == 0 else { return .failure(FramingError(reason: "unknown magic byte \(message[0]): not a schema registry record")) }
        let id = message[1..<5].reduce(0) { $0 << 8 | Int($1) }
        return .success((id, UnsafeBufferPointer(rebasing: message[headerSize...])))
    }

    struct FramingError: Error {
        var reason: String
    }
}
