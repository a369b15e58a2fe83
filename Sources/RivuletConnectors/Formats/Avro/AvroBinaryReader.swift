import RivuletCore

/// Reads Avro's binary encoding (zig-zag varints, length-prefixed strings, blocked arrays and
/// maps, union branch indexes) into `Value`s of the SQL types a relation declares. The writer's
/// schema drives the reading; the SQL type says what each value becomes: a record's fields go
/// to the STRUCT fields of the same name (case-insensitively, as ksqlDB matches them), and a
/// field the STRUCT lacks is read and dropped.
struct AvroBinaryReader {
    struct Failure: Error {
        var reason: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { position == bytes.count }

    /// Reads one value written with `schema`, as a value of `type`.
    mutating func read(_ schema: AvroSchema, as type: SQLType) throws(Failure) -> Value {
        switch schema {
        case .null: return .null
        case .boolean: return .boolean(try byte() != 0)
        case .int, .long: return AvroCoercion.integer(try long(), to: type)
        case .float:
            let bits = UInt32(truncatingIfNeeded: try littleEndian(4))
            return AvroCoercion.double(Double(Float(bitPattern: bits)), to: type)
        case .double: return AvroCoercion.double(Double(bitPattern: try littleEndian(8)), to: type)
        case .string, .bytes: return .string(String(decoding: try lengthPrefixed(), as: UTF8.self))
        case .fixed(_, let size): return .string(String(decoding: try take(size), as: UTF8.self))
        case .enum(let name, let symbols):
            let index = try long()
            guard index >= 0, index < symbols.count else { throw Failure(reason: "enum \(name) has no symbol #\(index)") }
            return .string(symbols[Int(index)])
        case .union(let branches):
            let index = try long()
            guard index >= 0, index < branches.count else { throw Failure(reason: "a union has no branch #\(index)") }
            return try read(branches[Int(index)], as: type)
        case .array(let items):
            if case .record(let record) = items.nonNullBranch ?? items, record.mapEntry != nil {
                return try readEntries(items, as: type)
            }
            let element: SQLType
            if case .array(let declared) = type { element = declared } else { element = items.sqlType }
            var values: [Value] = []
            try readBlocks { (reader: inout AvroBinaryReader) throws(Failure) in values.append(try reader.read(items, as: element)) }
            return .array(values)
        case .map(let valueSchema):
            let (keyType, valueType) = Self.mapTypes(type, default: valueSchema.sqlType)
            var keys: [Value] = []
            var values: [Value] = []
            try readBlocks { (reader: inout AvroBinaryReader) throws(Failure) in
                keys.append(AvroCoercion.string(String(decoding: try reader.lengthPrefixed(), as: UTF8.self), to: keyType))
                values.append(try reader.read(valueSchema, as: valueType))
            }
            return .map(keys: keys, values: values)
        case .record(let record):
            guard case .row(let fields) = type else {
                return try read(schema, as: schema.sqlType)
            }
            var values = [Value](repeating: .null, count: fields.count)
            for field in record.fields {
                let target = fields.firstIndex { $0.name.caseInsensitiveEquals(field.name) }
                let value = try read(field.schema, as: target.map { fields[$0].type } ?? field.schema.sqlType)
                if let target { values[target] = value }
            }
            return .row(values)
        case .logical(let logical, let base):
            switch logical {
            case .decimal(_, let scale):
                let raw: [UInt8]
                if case .fixed(_, let size) = base { raw = Array(try take(size)) } else { raw = Array(try lengthPrefixed()) }
                guard raw.count <= 16 else { throw Failure(reason: "a decimal of \(raw.count) bytes is wider than DECIMAL(38)") }
                var unscaled: Int128 = raw.first.map { $0 & 0x80 != 0 ? -1 : 0 } ?? 0
                for byte in raw { unscaled = unscaled << 8 | Int128(byte) }
                return AvroCoercion.decimal(unscaled: unscaled, scale: scale, to: type)
            case .date: return .date(try long())
            case .timestampMillis: return .timestamp(try long())
            case .timestampMicros: return .timestamp(try long() / 1000)
            case .timeMillis, .timeMicros: return AvroCoercion.integer(try long(), to: type)
            }
        }
    }

    /// Kafka Connect's map as an array of key/value records.
    private mutating func readEntries(_ items: AvroSchema, as type: SQLType) throws(Failure) -> Value {
        guard case .record(let record) = items.nonNullBranch ?? items, let entry = record.mapEntry else { return .null }
        let (keyType, valueType) = Self.mapTypes(type, default: entry.value.sqlType)
        var keys: [Value] = []
        var values: [Value] = []
        try readBlocks { (reader: inout AvroBinaryReader) throws(Failure) in
            if case .union(let branches) = items {
                let index = try reader.long()
                guard index >= 0, index < branches.count else { throw Failure(reason: "a union has no branch #\(index)") }
                if branches[Int(index)] == .null { return }  // a NULL entry
            }
            keys.append(try reader.read(entry.key, as: keyType))
            values.append(try reader.read(entry.value, as: valueType))
        }
        return .map(keys: keys, values: values)
    }

    private static func mapTypes(_ type: SQLType, default value: SQLType) -> (SQLType, SQLType) {
        if case .map(let key, let value) = type { return (key, value) }
        return (.varchar, value)
    }

    /// Arrays and maps come in blocks: a count (negative: followed by the block's byte size),
    /// that many items, and a final count of zero.
    private mutating func readBlocks(_ item: (inout AvroBinaryReader) throws(Failure) -> Void) throws(Failure) {
        while true {
            var count = try long()
            if count == 0 { return }
            if count < 0 {
                count = -count
                _ = try long()
            }
            for _ in 0..<count { try item(&self) }
        }
    }

    mutating func long() throws(Failure) -> Int64 {
        var raw: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            raw |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
            guard shift < 64 else { throw Failure(reason: "a varint is longer than 10 bytes") }
        }
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    private mutating func byte() throws(Failure) -> UInt8 {
        guard position < bytes.count else { throw Failure(reason: "the record ends early, at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws(Failure) -> UnsafeBufferPointer<UInt8> {
        guard count >= 0, position + count <= bytes.count else { throw Failure(reason: "the record ends early, at byte \(position)") }
        defer { position += count }
        return UnsafeBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    private mutating func lengthPrefixed() throws(Failure) -> UnsafeBufferPointer<UInt8> {
        let count = try long()
        guard count >= 0, count <= Int64(bytes.count) else { throw Failure(reason: "a length of \(count) at byte \(position)") }
        return try take(Int(count))
    }

    private mutating func littleEndian(_ count: Int) throws(Failure) -> UInt64 {
        let raw = try take(count)
        var value: UInt64 = 0
        for (i, b) in raw.enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
        return value
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        self == other || lowercased() == other.lowercased()
    }
}
