public import RivuletCore

/// Reads and writes protobuf messages of one message type as rows of SQL columns, the way
/// ksqlDB maps them: each column is the message field of the same name (compared without
/// case); a nested message is a ROW/STRUCT, `repeated` an ARRAY, `map<K, V>` a MAP, an enum
/// its value's name. `google.protobuf.Timestamp` is a TIMESTAMP, `google.type.Date` a DATE,
/// `confluent.type.Decimal` a DECIMAL, a wrapper (`google.protobuf.Int32Value`, ...) its value
/// or NULL.
///
/// Reading follows protobuf's defaults as ksqlDB sees them: an absent scalar without presence
/// is its default (0, "", false, an enum's first value), an absent message is NULL, an absent
/// repeated field or map is empty. Writing leaves out NULLs and, for proto3 scalars without
/// presence, defaults (as protobuf does), and packs repeated numbers in proto3.
public struct ProtobufCodec: Sendable {
    public let schema: ProtoSchema
    public let message: ProtoMessage
    public let columns: [RowField]

    /// A codec for `messageName` of `schema`, read into (and written from) `columns`.
    /// Every column must name a field of the message.
    public init(schema: ProtoSchema, messageName: String, columns: [RowField]) throws(SQLError) {
        guard let message = schema.message(named: messageName) else {
            throw SQLError(.invalidParameterValue, "the protobuf schema has no message '\(messageName)'")
        }
        self.schema = schema
        self.message = message
        self.columns = columns
        try Self.check(columns, against: message, in: schema)
    }

    private static func check(_ columns: [RowField], against message: ProtoMessage, in schema: ProtoSchema) throws(SQLError) {
        for column in columns {
            guard let field = Self.field(named: column.name, in: message) else {
                throw SQLError(.invalidParameterValue,
                               "column '\(column.name)' is not a field of protobuf message '\(message.fullName)' (fields: \(message.fields.map(\.name).joined(separator: ", ")))")
            }
            if case .row(let nested) = column.type, case .message(let name) = field.type, ProtoWellKnown(fullName: name) == nil,
               let inner = schema.messages[name] {
                try check(nested, against: inner, in: schema)
            }
        }
    }

    static func field(named name: String, in message: ProtoMessage) -> ProtoField? {
        message.fields.first { $0.name == name } ?? message.fields.first { $0.name.lowercased() == name.lowercased() }
    }

    // MARK: decoding

    /// The column values of one message.
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(ProtobufDecodeError) -> [Value] {
        var reader = ProtoReader(bytes)
        return try decodeMessage(message, columns: columns, reader: &reader)
    }

    private func decodeMessage(_ message: ProtoMessage, columns: [RowField], reader: inout ProtoReader) throws(ProtobufDecodeError) -> [Value] {
        let fields = columns.map { Self.field(named: $0.name, in: message) }
        var values = [Value?](repeating: nil, count: columns.count)
        var elements = [[Value]](repeating: [], count: columns.count)
        var mapKeys = [[Value]](repeating: [], count: columns.count)
        while !reader.atEnd {
            let (number, wireType) = try reader.tag()
            guard let slot = fields.firstIndex(where: { $0?.number == number }), let field = fields[slot] else {
                try reader.skip(wireType, number: number)
                continue
            }
            let type = columns[slot].type
            switch (field.type, type) {
            case (.map(let keyScalar, let valueType), .map(let keySQL, let valueSQL)):
                guard wireType == .lengthDelimited else { throw wrongWireType(field) }
                let range = try reader.lengthDelimited()
                var entry = ProtoReader(reader.bytes, range: range)
                var key: Value?
                var value: Value?
                while !entry.atEnd {
                    let (entryNumber, entryWire) = try entry.tag()
                    switch entryNumber {
                    case 1: key = try decodeSingle(.scalar(keyScalar), wireType: entryWire, as: keySQL, reader: &entry, field: field)
                    case 2: value = try decodeSingle(valueType, wireType: entryWire, as: valueSQL, reader: &entry, field: field)
                    default: try entry.skip(entryWire, number: entryNumber)
                    }
                }
                mapKeys[slot].append(key ?? defaultValue(of: .scalar(keyScalar), label: .singular, as: keySQL))
                elements[slot].append(value ?? defaultValue(of: valueType, label: .singular, as: valueSQL))
            case (_, .array(let elementSQL)) where field.label == .repeated:
                if wireType == .lengthDelimited, case .scalar(let scalar) = field.type, scalar.isPackable {
                    let range = try reader.lengthDelimited()
                    var packed = ProtoReader(reader.bytes, range: range)
                    while !packed.atEnd {
                        elements[slot].append(try decodeSingle(field.type, wireType: scalar.wireType, as: elementSQL, reader: &packed, field: field))
                    }
                } else if wireType == .lengthDelimited, case .enumeration = field.type {
                    let range = try reader.lengthDelimited()
                    var packed = ProtoReader(reader.bytes, range: range)
                    while !packed.atEnd {
                        elements[slot].append(try decodeSingle(field.type, wireType: .varint, as: elementSQL, reader: &packed, field: field))
                    }
                } else {
                    elements[slot].append(try decodeSingle(field.type, wireType: wireType, as: elementSQL, reader: &reader, field: field))
                }
            default:
                if field.oneof != nil {
                    // Setting one member of a oneof clears the others.
                    for (other, otherField) in fields.enumerated() where other != slot && otherField?.oneof == field.oneof { values[other] = nil }
                }
                values[slot] = try decodeSingle(field.type, wireType: wireType, as: type, reader: &reader, field: field)
            }
        }
        return columns.indices.map { slot in
            guard let field = fields[slot] else { return .null }
            switch columns[slot].type {
            case .map where field.label == .repeated: return .map(keys: mapKeys[slot], values: elements[slot])
            case .array where field.label == .repeated: return .array(elements[slot])
            default:
                if let value = values[slot] { return value }
                if field.oneof != nil { return .null }
                return defaultValue(of: field.type, label: field.label, as: columns[slot].type)
            }
        }
    }

    private func wrongWireType(_ field: ProtoField) -> ProtobufDecodeError {
        ProtobufDecodeError(reason: "field '\(field.name)' (\(field.number)) has the wrong wire type")
    }

    /// One value of `type`, read as `sql`.
    private func decodeSingle(_ type: ProtoType, wireType: ProtoWireType, as sql: SQLType, reader: inout ProtoReader,
                              field: ProtoField) throws(ProtobufDecodeError) -> Value {
        switch type {
        case .scalar(let scalar):
            // A length-delimited non-packed scalar would be a schema mismatch.
            guard wireType == scalar.wireType else { throw wrongWireType(field) }
            return Self.coerce(try Self.readScalar(scalar, reader: &reader), to: sql)
        case .enumeration(let name):
            guard wireType == .varint else { throw wrongWireType(field) }
            let number = Int(Int32(truncatingIfNeeded: try reader.varint()))
            if sql.isInteger { return .int(Int64(number)) }
            return Self.coerce(.string(schema.enums[name]?.name(of: number) ?? String(number)), to: sql)
        case .message(let name):
            guard wireType == .lengthDelimited else { throw wrongWireType(field) }
            let range = try reader.lengthDelimited()
            var inner = ProtoReader(reader.bytes, range: range)
            if let known = ProtoWellKnown(fullName: name) {
                return try Self.decodeWellKnown(known, reader: &inner, as: sql)
            }
            guard let message = schema.messages[name], case .row(let nested) = sql else {
                throw ProtobufDecodeError(reason: "field '\(field.name)' is a message, read as \(sql)")
            }
            return .row(try decodeMessage(message, columns: nested, reader: &inner))
        case .map:
            throw ProtobufDecodeError(reason: "field '\(field.name)' is a map, read as \(sql)")
        }
    }

    private static func readScalar(_ scalar: ProtoScalar, reader: inout ProtoReader) throws(ProtobufDecodeError) -> Value {
        switch scalar {
        case .int32: return .int(Int64(Int32(truncatingIfNeeded: try reader.varint())))
        case .int64: return .int(Int64(bitPattern: try reader.varint()))
        case .uint32: return .int(Int64(UInt32(truncatingIfNeeded: try reader.varint())))
        case .uint64: return .int(Int64(bitPattern: try reader.varint()))
        case .sint32: return .int(Int64(Int32(truncatingIfNeeded: ProtoWriter.unZigZag(try reader.varint()))))
        case .sint64: return .int(ProtoWriter.unZigZag(try reader.varint()))
        case .bool: return .boolean(try reader.varint() != 0)
        case .fixed32: return .int(Int64(try reader.fixed32()))
        case .sfixed32: return .int(Int64(Int32(bitPattern: try reader.fixed32())))
        case .fixed64: return .int(Int64(bitPattern: try reader.fixed64()))
        case .sfixed64: return .int(Int64(bitPattern: try reader.fixed64()))
        case .float: return .double(Double(Float(bitPattern: try reader.fixed32())))
        case .double: return .double(Double(bitPattern: try reader.fixed64()))
        case .string, .bytes:
            let range = try reader.lengthDelimited()
            let slice = UnsafeBufferPointer(rebasing: reader.bytes[range])
            guard let text = String(validating: slice, as: UTF8.self) else {
                throw ProtobufDecodeError(reason: "a \(scalar) field is not valid UTF-8")
            }
            return .string(text)
        }
    }

    private static func decodeWellKnown(_ known: ProtoWellKnown, reader: inout ProtoReader, as sql: SQLType) throws(ProtobufDecodeError) -> Value {
        var numbers: [Int: Value] = [:]
        var decimalBytes: [UInt8] = []
        while !reader.atEnd {
            let (number, wireType) = try reader.tag()
            switch (known, number, wireType) {
            case (.timestamp, 1, .varint): numbers[1] = try readScalar(.int64, reader: &reader)
            case (.timestamp, 2, .varint): numbers[2] = try readScalar(.int32, reader: &reader)
            case (.date, 1...3, .varint): numbers[number] = try readScalar(.int32, reader: &reader)
            case (.decimal, 1, .lengthDelimited): decimalBytes = Array(reader.bytes[try reader.lengthDelimited()])
            case (.decimal, 2...3, .varint): numbers[number] = try readScalar(.uint32, reader: &reader)
            case (.wrapper(let scalar), 1, _) where wireType == scalar.wireType: numbers[1] = try readScalar(scalar, reader: &reader)
            default: try reader.skip(wireType, number: number)
            }
        }
        func int(_ number: Int) -> Int64 { if case .int(let i)? = numbers[number] { i } else { 0 } }
        switch known {
        case .timestamp:
            let millis = int(1) * 1000 + int(2) / 1_000_000
            return coerce(.timestamp(millis), to: sql)
        case .date:
            return coerce(.date(TimeFormat.days(year: int(1), month: int(2), day: int(3))), to: sql)
        case .decimal:
            guard decimalBytes.count <= 16 else { throw ProtobufDecodeError(reason: "a decimal's unscaled value has more than 16 bytes") }
            var unscaled: Int128 = decimalBytes.first.map { $0 & 0x80 != 0 ? -1 : 0 } ?? 0
            for byte in decimalBytes { unscaled = unscaled << 8 | Int128(byte) }
            return coerce(.decimal(unscaled: unscaled, scale: Int(int(3))), to: sql)
        case .wrapper(let scalar):
            return coerce(numbers[1] ?? zero(of: scalar), to: sql)
        }
    }

    /// A field's value when the message does not hold it.
    private func defaultValue(of type: ProtoType, label: ProtoField.Label, as sql: SQLType) -> Value {
        if label == .optional, schema.syntax == .proto3 { return .null }
        switch type {
        case .scalar(let scalar): return Self.coerce(Self.zero(of: scalar), to: sql)
        case .enumeration(let name):
            guard let first = schema.enums[name]?.values.first else { return .null }
            return sql.isInteger ? .int(Int64(first.number)) : Self.coerce(.string(first.name), to: sql)
        case .message: return .null
        case .map: return .map(keys: [], values: [])
        }
    }

    private static func zero(of scalar: ProtoScalar) -> Value {
        switch scalar {
        case .bool: return .boolean(false)
        case .string, .bytes: return .string("")
        case .float, .double: return .double(0)
        default: return .int(0)
        }
    }

    /// `value` as a value of `sql` (the case a column of that type holds), or NULL when it
    /// cannot be one.
    static func coerce(_ value: Value, to sql: SQLType) -> Value {
        switch (value, sql) {
        case (.null, _): return .null
        case (.int(let i), .integer), (.int(let i), .bigint): return .int(i)
        case (.int(let i), .double): return .double(Double(i))
        case (.int(let i), .decimal(_, let scale)): return DecimalFormat.rescale(Int128(i), from: 0, to: scale).map { .decimal(unscaled: $0, scale: scale) } ?? .null
        case (.int(let i), .timestamp): return .timestamp(i)
        case (.int(let i), .date): return .date(i)
        case (.int(let i), .intervalDayTime): return .interval(milliseconds: i)
        case (.int(let i), .intervalYearMonth): return .intervalMonths(i)
        case (.int(let i), .boolean): return .boolean(i != 0)
        case (.double(let d), .double): return .double(d)
        case (.double(let d), .integer), (.double(let d), .bigint):
            return d.isFinite && abs(d) < 9.2e18 ? .int(Int64(d)) : .null
        case (.boolean, .boolean), (.string, .varchar), (.timestamp, .timestamp), (.date, .date): return value
        case (.timestamp(let ms), .bigint): return .int(ms)
        case (.date(let days), .integer), (.date(let days), .bigint): return .int(days)
        case (.decimal(let unscaled, let from), .decimal(_, let to)):
            return DecimalFormat.rescale(unscaled, from: from, to: to).map { .decimal(unscaled: $0, scale: to) } ?? .null
        case (.decimal(let unscaled, let scale), .double): return .double(DecimalFormat.double(unscaled: unscaled, scale: scale))
        case (_, .varchar): return .string(value.description)
        default: return .null
        }
    }

    /// `value` at scale `from` at scale `to`, rounding half away from zero; nil on overflow.

    // MARK: encoding

    /// Appends the message holding `values` (one per column) to `bytes`.
    public func encode(_ values: [Value], into bytes: inout [UInt8]) {
        encodeMessage(message, columns: columns, values: values, into: &bytes)
    }

    private func encodeMessage(_ message: ProtoMessage, columns: [RowField], values: [Value], into bytes: inout [UInt8]) {
        for (slot, column) in columns.enumerated() where slot < values.count {
            guard let field = Self.field(named: column.name, in: message) else { continue }
            let value = values[slot]
            switch (field.type, value) {
            case (_, .null): continue
            case (.map(let keyScalar, let valueType), .map(let keys, let mapValues)):
                guard case .map(let keySQL, let valueSQL) = column.type else { continue }
                for (key, entryValue) in zip(keys, mapValues) {
                    ProtoWriter.tag(field.number, .lengthDelimited, into: &bytes)
                    ProtoWriter.lengthDelimited(into: &bytes) { entry in
                        encodeSingle(.scalar(keyScalar), number: 1, value: key, as: keySQL, always: true, into: &entry)
                        encodeSingle(valueType, number: 2, value: entryValue, as: valueSQL, always: true, into: &entry)
                    }
                }
            case (_, .array(let elements)) where field.label == .repeated:
                guard case .array(let elementSQL) = column.type else { continue }
                if schema.syntax == .proto3, Self.isPackable(field.type), !elements.isEmpty {
                    ProtoWriter.tag(field.number, .lengthDelimited, into: &bytes)
                    ProtoWriter.lengthDelimited(into: &bytes) { packed in
                        for element in elements { writeBare(field.type, element, into: &packed) }
                    }
                } else {
                    // Protobuf has no NULL element: a NULL is written as the element's default.
                    for element in elements {
                        encodeSingle(field.type, number: field.number, value: element, as: elementSQL, always: true, into: &bytes)
                    }
                }
            default:
                let hasPresence = field.label != .singular || field.oneof != nil || schema.syntax == .proto2
                encodeSingle(field.type, number: field.number, value: value, as: column.type, always: hasPresence, into: &bytes)
            }
        }
    }

    private static func isPackable(_ type: ProtoType) -> Bool {
        switch type {
        case .scalar(let scalar): return scalar.isPackable
        case .enumeration: return true
        default: return false
        }
    }

    /// One field: a scalar or enum (left out when it is the default, unless `always`), or a
    /// message. A NULL message is left out; a NULL scalar inside a repeated field or map entry
    /// is written as its default.
    private func encodeSingle(_ type: ProtoType, number: Int, value: Value, as sql: SQLType, always: Bool, into bytes: inout [UInt8]) {
        switch type {
        case .scalar(let scalar):
            let value = value.isNull && always ? Self.zero(of: scalar) : value
            guard !value.isNull, always || !Self.isDefault(value, scalar) else { return }
            ProtoWriter.tag(number, scalar.wireType, into: &bytes)
            Self.writeScalar(scalar, value, into: &bytes)
        case .enumeration:
            let enumNumber = enumNumber(type, value)
            guard always || enumNumber != 0 else { return }
            ProtoWriter.tag(number, .varint, into: &bytes)
            ProtoWriter.varint(UInt64(bitPattern: Int64(enumNumber)), into: &bytes)
        case .message(let name):
            guard !value.isNull else {
                // A map entry's or array's NULL message is an empty one.
                if always {
                    ProtoWriter.tag(number, .lengthDelimited, into: &bytes)
                    ProtoWriter.varint(0, into: &bytes)
                }
                return
            }
            ProtoWriter.tag(number, .lengthDelimited, into: &bytes)
            ProtoWriter.lengthDelimited(into: &bytes) { inner in
                if let known = ProtoWellKnown(fullName: name) {
                    Self.encodeWellKnown(known, value, as: sql, into: &inner)
                } else if let message = schema.messages[name], case .row(let nested) = sql, case .row(let fields) = value {
                    encodeMessage(message, columns: nested, values: fields, into: &inner)
                }
            }
        case .map:
            break  // a map is never a single value (maps cannot nest directly in protobuf)
        }
    }

    /// One element of a packed repeated field: the value without a tag.
    private func writeBare(_ type: ProtoType, _ value: Value, into bytes: inout [UInt8]) {
        switch type {
        case .scalar(let scalar): Self.writeScalar(scalar, value.isNull ? Self.zero(of: scalar) : value, into: &bytes)
        case .enumeration: ProtoWriter.varint(UInt64(bitPattern: Int64(enumNumber(type, value))), into: &bytes)
        default: break
        }
    }

    private func enumNumber(_ type: ProtoType, _ value: Value) -> Int {
        guard case .enumeration(let name) = type else { return 0 }
        switch value {
        case .int(let i): return Int(truncatingIfNeeded: i)
        case .string(let text): return schema.enums[name]?.number(of: text) ?? 0
        default: return 0
        }
    }

    private static func isDefault(_ value: Value, _ scalar: ProtoScalar) -> Bool {
        switch scalar {
        case .string, .bytes: return text(value).isEmpty
        case .bool: return !bool(value)
        case .float, .double: return double(value).bitPattern == 0
        default: return integer(value) == 0
        }
    }

    private static func writeScalar(_ scalar: ProtoScalar, _ value: Value, into bytes: inout [UInt8]) {
        switch scalar {
        case .int32: ProtoWriter.varint(UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: integer(value)))), into: &bytes)
        case .int64, .uint64: ProtoWriter.varint(UInt64(bitPattern: integer(value)), into: &bytes)
        case .uint32: ProtoWriter.varint(UInt64(UInt32(truncatingIfNeeded: integer(value))), into: &bytes)
        case .sint32: ProtoWriter.varint(ProtoWriter.zigZag(Int64(Int32(truncatingIfNeeded: integer(value)))), into: &bytes)
        case .sint64: ProtoWriter.varint(ProtoWriter.zigZag(integer(value)), into: &bytes)
        case .bool: ProtoWriter.varint(bool(value) ? 1 : 0, into: &bytes)
        case .fixed32, .sfixed32: ProtoWriter.fixed32(UInt32(truncatingIfNeeded: integer(value)), into: &bytes)
        case .fixed64, .sfixed64: ProtoWriter.fixed64(UInt64(bitPattern: integer(value)), into: &bytes)
        case .float: ProtoWriter.fixed32(Float(double(value)).bitPattern, into: &bytes)
        case .double: ProtoWriter.fixed64(double(value).bitPattern, into: &bytes)
        case .string, .bytes:
            let utf8 = Array(text(value).utf8)
            ProtoWriter.varint(UInt64(utf8.count), into: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }

    private static func encodeWellKnown(_ known: ProtoWellKnown, _ value: Value, as sql: SQLType, into bytes: inout [UInt8]) {
        switch known {
        case .timestamp:
            let millis = integer(value)
            let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
            let nanos = (millis - seconds * 1000) * 1_000_000
            if seconds != 0 { ProtoWriter.tag(1, .varint, into: &bytes); writeScalar(.int64, .int(seconds), into: &bytes) }
            if nanos != 0 { ProtoWriter.tag(2, .varint, into: &bytes); writeScalar(.int32, .int(nanos), into: &bytes) }
        case .date:
            let (year, month, day) = TimeFormat.civil(days: integer(value))
            for (number, part) in [(1, year), (2, month), (3, day)] where part != 0 {
                ProtoWriter.tag(number, .varint, into: &bytes)
                writeScalar(.int32, .int(part), into: &bytes)
            }
        case .decimal:
            let (unscaled, scale, precision): (Int128, Int, Int) = switch (value, sql) {
            case (.decimal(let unscaled, let scale), .decimal(let precision, _)): (unscaled, scale, precision)
            case (.decimal(let unscaled, let scale), _): (unscaled, scale, DecimalFormat.maxPrecision)
            default: (Int128(integer(value)), 0, 19)
            }
            // The unscaled value in the fewest big-endian two's-complement bytes.
            var big: [UInt8] = (0..<16).reversed().map { UInt8(truncatingIfNeeded: unscaled >> (8 * $0)) }
            while big.count > 1, (big[0] == 0 && big[1] & 0x80 == 0) || (big[0] == 0xff && big[1] & 0x80 != 0) { big.removeFirst() }
            ProtoWriter.tag(1, .lengthDelimited, into: &bytes)
            ProtoWriter.varint(UInt64(big.count), into: &bytes)
            bytes.append(contentsOf: big)
            ProtoWriter.tag(2, .varint, into: &bytes)
            ProtoWriter.varint(UInt64(precision), into: &bytes)
            if scale != 0 { ProtoWriter.tag(3, .varint, into: &bytes); ProtoWriter.varint(UInt64(scale), into: &bytes) }
        case .wrapper(let scalar):
            guard !isDefault(value, scalar) else { return }
            ProtoWriter.tag(1, scalar.wireType, into: &bytes)
            writeScalar(scalar, value, into: &bytes)
        }
    }

    private static func integer(_ value: Value) -> Int64 {
        switch value {
        case .int(let i), .timestamp(let i), .date(let i), .interval(let i), .intervalMonths(let i): return i
        case .boolean(let b): return b ? 1 : 0
        case .double(let d): return d.isFinite && abs(d) < 9.2e18 ? Int64(d) : 0
        case .decimal(let unscaled, let scale): return DecimalFormat.rescale(unscaled, from: scale, to: 0).flatMap { Int64(exactly: $0) } ?? 0
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

    private static func bool(_ value: Value) -> Bool {
        if case .boolean(let b) = value { return b }
        return integer(value) != 0
    }

    private static func text(_ value: Value) -> String {
        if case .string(let s) = value { return s }
        return value.isNull ? "" : value.description
    }
}
