/// Binary-format Bind parameters of simple types, turned into their text form so they can be
/// spliced as literals.
enum BinaryParameter {
    static func text(of bytes: [UInt8], type: PGType) -> String? {
        func integer(_ count: Int) -> Int64? {
            guard bytes.count == count else { return nil }
            var value: UInt64 = 0
            for byte in bytes { value = value << 8 | UInt64(byte) }
            let shift = UInt64(64 - 8 * count)
            return Int64(bitPattern: value << shift) >> Int64(shift)
        }
        switch type {
        case .bool:
            return bytes.count == 1 ? (bytes[0] != 0 ? "t" : "f") : nil
        case .int2: return integer(2).map { String($0) }
        case .int4: return integer(4).map { String($0) }
        case .int8: return integer(8).map { String($0) }
        case .float4:
            return integer(4).map { "\(Float(bitPattern: UInt32(truncatingIfNeeded: $0)))" }
        case .float8:
            return integer(8).map { "\(Double(bitPattern: UInt64(bitPattern: $0)))" }
        case .text, .varchar, .unspecified:
            return String(decoding: bytes, as: UTF8.self)
        default:
            return nil
        }
    }
}
