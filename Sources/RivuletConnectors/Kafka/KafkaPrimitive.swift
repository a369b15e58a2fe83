import RivuletCore

/// One value in ksqlDB's `KAFKA` format, which is Kafka's own serializers: INT as 4 and BIGINT
/// as 8 big-endian bytes, DOUBLE as 8 bytes of IEEE 754, text as UTF-8 (no bytes: NULL).
enum KafkaPrimitive {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, as type: SQLType) -> Result<Value, DecodeError> {
        func integer(width: Int) -> UInt64? {
            guard bytes.count == width else { return nil }
            return bytes.reduce(0) { $0 << 8 | UInt64($1) }
        }
        switch type {
        case .integer:
            guard let bits = integer(width: 4) else { return .failure(.init("an INT key or value must be 4 bytes, found \(bytes.count)")) }
            return .success(.int(Int64(Int32(bitPattern: UInt32(bits)))))
        case .bigint:
            guard let bits = integer(width: 8) else { return .failure(.init("a BIGINT key or value must be 8 bytes, found \(bytes.count)")) }
            return .success(.int(Int64(bitPattern: bits)))
        case .double:
            guard let bits = integer(width: 8) else { return .failure(.init("a DOUBLE key or value must be 8 bytes, found \(bytes.count)")) }
            return .success(.double(Double(bitPattern: bits)))
        case .varchar:
            if let problem = TextCheck.problem(bytes) { return .failure(.init(problem)) }
            return .success(.string(String(decoding: bytes, as: UTF8.self)))
        default:
            return .failure(.init("the KAFKA format does not hold \(type)"))
        }
    }

    /// Appends `value` of `type` (never NULL: a NULL key or value is no bytes at all).
    static func encode(_ value: Value, as type: SQLType, into bytes: inout [UInt8]) {
        func append(_ bits: UInt64, width: Int) {
            for shift in stride(from: (width - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        }
        switch (value, type) {
        case (.int(let i), .integer): append(UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: i))), width: 4)
        case (.int(let i), _): append(UInt64(bitPattern: i), width: 8)
        case (.double(let d), _): append(d.bitPattern, width: 8)
        case (.string(let s), _): bytes.append(contentsOf: s.utf8)
        default: bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// Whether the KAFKA format can hold a column of `type`.
    static func holds(_ type: SQLType) -> Bool {
        [.integer, .bigint, .double, .varchar].contains(type)
    }

    struct DecodeError: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
