import RivuletCore

/// Writes `Value`s of SQL types in Avro's binary encoding, following the schema the records are
/// registered with. A STRUCT's fields go to the record fields of the same name
/// (case-insensitively); a record field the STRUCT lacks is written NULL, which its schema must
/// allow.
enum AvroBinaryWriter {
    struct Failure: Error {
        var reason: String
    }

    static func write(_ value: Value, type: SQLType, as schema: AvroSchema, into out: inout [UInt8]) throws(Failure) {
        switch schema {
        case .null:
            guard value.isNull else { throw Failure(reason: "\(value) where the schema holds only null") }
        case .union(let branches):
            let index = value.isNull ? branches.firstIndex(of: .null) : branches.firstIndex { $0 != .null && accepts($0, value) }
                ?? branches.firstIndex { $0 != .null }
            guard let index else { throw Failure(reason: "no branch of \(branches) holds \(value)") }
            writeLong(Int64(index), into: &out)
            try write(value, type: type, as: branches[index], into: &out)
        case _ where value.isNull:
            throw Failure(reason: "NULL where the schema does not allow it (\(schema))")
        case .boolean:
            if case .boolean(let b) = value { out.append(b ? 1 : 0) } else { out.append(integer(value) != 0 ? 1 : 0) }
        case .int, .long: writeLong(integer(value), into: &out)
        case .float:
            let bits = Float(double(value)).bitPattern
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt32(i)))) }
        case .double:
            let bits = double(value).bitPattern
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        case .string, .bytes:
            let utf8 = Array(text(value, type: type).utf8)
            writeLong(Int64(utf8.count), into: &out)
            out.append(contentsOf: utf8)
        case .fixed(let name, let size):
            let utf8 = Array(text(value, type: type).utf8)
            guard utf8.count == size else { throw Failure(reason: "fixed \(name) holds \(size) bytes, not \(utf8.count)") }
            out.append(contentsOf: utf8)
        case .enum(let name, let symbols):
            let symbol = text(value, type: type)
            guard let index = symbols.firstIndex(of: symbol) else { throw Failure(reason: "enum \(name) has no symbol '\(symbol)'") }
            writeLong(Int64(index), into: &out)
        case .array(let items):
            guard case .array(let elements) = value else { throw Failure(reason: "\(value) where the schema holds an array") }
            let elementType: SQLType
            if case .array(let declared) = type { elementType = declared } else { elementType = items.sqlType }
            if !elements.isEmpty {
                writeLong(Int64(elements.count), into: &out)
                for element in elements { try write(element, type: elementType, as: items, into: &out) }
            }
            out.append(0)
        case .map(let valueSchema):
            guard case .map(let keys, let values) = value else { throw Failure(reason: "\(value) where the schema holds a map") }
            var keyType = SQLType.varchar
            var valueType = valueSchema.sqlType
            if case .map(let k, let v) = type { (keyType, valueType) = (k, v) }
            // A NULL key has no spelling in an Avro map; ksqlDB drops such entries too.
            let entries = zip(keys, values).filter { !$0.0.isNull }
            if !entries.isEmpty {
                writeLong(Int64(entries.count), into: &out)
                for (key, entry) in entries {
                    let utf8 = Array(text(key, type: keyType).utf8)
                    writeLong(Int64(utf8.count), into: &out)
                    out.append(contentsOf: utf8)
                    try write(entry, type: valueType, as: valueSchema, into: &out)
                }
            }
            out.append(0)
        case .record(let record):
            guard case .row(let values) = value, case .row(let fields) = type else {
                throw Failure(reason: "\(value) where the schema holds record \(record.name)")
            }
            for field in record.fields {
                let index = fields.firstIndex { $0.name.caseInsensitiveEquals(field.name) }
                try write(index.map { values[$0] } ?? .null, type: index.map { fields[$0].type } ?? field.schema.sqlType, as: field.schema,
                          into: &out)
            }
        case .logical(let logical, let base):
            switch logical {
            case .decimal(_, let scale):
                var unscaled: Int128
                switch AvroCoercion.decimal(unscaled: decimalUnscaled(value).unscaled, scale: decimalUnscaled(value).scale,
                                            to: .decimal(precision: 38, scale: scale)) {
                case .decimal(let u, _): unscaled = u
                default: unscaled = 0
                }
                var raw: [UInt8] = []
                repeat {
                    raw.insert(UInt8(truncatingIfNeeded: unscaled), at: 0)
                    unscaled >>= 8
                } while !(unscaled == 0 && raw[0] & 0x80 == 0) && !(unscaled == -1 && raw[0] & 0x80 != 0)
                if case .fixed(_, let size) = base {
                    let pad: UInt8 = raw[0] & 0x80 != 0 ? 0xFF : 0
                    out.append(contentsOf: repeatElement(pad, count: max(size - raw.count, 0)))
                } else {
                    writeLong(Int64(raw.count), into: &out)
                }
                out.append(contentsOf: raw)
            case .timestampMicros: writeLong(integer(value) * 1000, into: &out)
            case .date, .timestampMillis, .timeMillis, .timeMicros: writeLong(integer(value), into: &out)
            }
        }
    }

    static func writeLong(_ value: Int64, into out: inout [UInt8]) {
        var raw = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while raw >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: raw) | 0x80)
            raw >>= 7
        }
        out.append(UInt8(raw))
    }

    /// Whether a union branch is the one for `value` (the first that fits is written).
    private static func accepts(_ schema: AvroSchema, _ value: Value) -> Bool {
        switch (schema.underlying, value) {
        case (.boolean, .boolean), (.string, .string), (.enum, .string), (.array, .array), (.map, .map), (.record, .row): return true
        case (.int, .int), (.long, .int), (.long, .timestamp), (.int, .date), (.long, .interval), (.long, .intervalMonths): return true
        case (.float, .double), (.double, .double), (.double, .int), (.bytes, .decimal), (.fixed, .decimal): return true
        case (.bytes, .string): return true
        default: return false
        }
    }

    private static func integer(_ value: Value) -> Int64 {
        switch value {
        case .int(let i), .timestamp(let i), .date(let i), .interval(let i), .intervalMonths(let i): return i
        case .boolean(let b): return b ? 1 : 0
        case .double(let d): return d.isFinite ? Int64(d) : 0
        case .decimal(let unscaled, let scale): return Int64(truncatingIfNeeded: unscaled / AvroCoercion.power(scale))
        case .string(let s): return Int64(s) ?? 0
        default: return 0
        }
    }

    private static func double(_ value: Value) -> Double {
        switch value {
        case .double(let d): return d
        case .decimal(let unscaled, let scale): return DecimalFormat.double(unscaled: unscaled, scale: scale)
        case .string(let s): return Double(s) ?? 0
        default: return Double(integer(value))
        }
    }

    private static func decimalUnscaled(_ value: Value) -> (unscaled: Int128, scale: Int) {
        switch value {
        case .decimal(let unscaled, let scale): return (unscaled, scale)
        case .double(let d): return (Int128(exactly: (d * 1e6).rounded()) ?? 0, 6)
        default: return (Int128(integer(value)), 0)
        }
    }

    private static func text(_ value: Value, type: SQLType) -> String {
        if case .string(let s) = value { return s }
        var out = ""
        ValueJSON.append(value, type: type, to: &out)
        return out
    }
}
