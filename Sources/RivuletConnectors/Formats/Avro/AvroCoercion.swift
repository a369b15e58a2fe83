import RivuletCore

/// Turns a number or text read from Avro into a value of the declared SQL type, where the
/// writer's type is not the declared one (an `int` read into BIGINT or DOUBLE, a `long` into a
/// TIMESTAMP, a decimal into a DECIMAL of another scale).
enum AvroCoercion {
    static func integer(_ value: Int64, to type: SQLType) -> Value {
        switch type {
        case .double: return .double(Double(value))
        case .varchar: return .string(String(value))
        case .timestamp: return .timestamp(value)
        case .date: return .date(value)
        case .boolean: return .boolean(value != 0)
        case .decimal: return decimal(unscaled: Int128(value), scale: 0, to: type)
        default: return .int(value)
        }
    }

    static func double(_ value: Double, to type: SQLType) -> Value {
        switch type {
        case .integer, .bigint: return value.isFinite ? .int(Int64(value)) : .null
        case .varchar: return .string(String(value))
        case .decimal(_, let scale):
            guard value.isFinite else { return .null }
            return Int128(exactly: (value * Double(power(scale))).rounded()).map { .decimal(unscaled: $0, scale: scale) } ?? .null
        default: return .double(value)
        }
    }

    static func string(_ value: String, to type: SQLType) -> Value {
        switch type {
        case .integer, .bigint: return Int64(value).map { .int($0) } ?? .null
        case .double: return Double(value).map { .double($0) } ?? .null
        default: return .string(value)
        }
    }

    static func decimal(unscaled: Int128, scale: Int, to type: SQLType) -> Value {
        switch type {
        case .decimal(_, let target):
            if target >= scale {
                return DecimalFormat.rescale(unscaled, from: scale, to: target).map { .decimal(unscaled: $0, scale: target) } ?? .null
            }
            return .decimal(unscaled: unscaled / power(scale - target), scale: target)
        case .double: return .double(DecimalFormat.double(unscaled: unscaled, scale: scale))
        case .integer, .bigint: return Int64(exactly: unscaled / power(scale)).map(Value.int) ?? .null
        default: return .decimal(unscaled: unscaled, scale: scale)
        }
    }

    static func power(_ exponent: Int) -> Int128 {
        DecimalFormat.widePowersOfTen[min(max(exponent, 0), DecimalFormat.maxPrecision)]
    }
}
