import RivuletCore

/// How Avro types and SQL types correspond, as ksqlDB maps them: a record is a STRUCT, `long`
/// is BIGINT, `int` INT, `float` and `double` DOUBLE, `string` and `enum` VARCHAR, a map's keys
/// VARCHAR, `["null", T]` a nullable `T`; `timestamp-*` is TIMESTAMP, `date` DATE, `decimal`
/// DECIMAL. `bytes` and `fixed` (ksqlDB's BYTES) read as VARCHAR, which is all Rivulet has.
extension AvroSchema {
    /// The SQL type of values of this schema (a source declared without columns takes these).
    var sqlType: SQLType {
        switch self {
        case .null: return .null
        case .boolean: return .boolean
        case .int: return .integer
        case .long: return .bigint
        case .float, .double: return .double
        case .bytes, .string, .enum, .fixed: return .varchar
        case .record(let record):
            return .row(record.fields.map { RowField($0.name, $0.schema.sqlType) })
        case .array(let items):
            // Kafka Connect writes a map whose keys may be NULL as an array of key/value records.
            if case .record(let record) = items.nonNullBranch ?? items, let entry = record.mapEntry {
                return .map(key: entry.key.sqlType, value: entry.value.sqlType)
            }
            return .array(items.sqlType)
        case .map(let values): return .map(key: .varchar, value: values.sqlType)
        case .union(let branches):
            let types = branches.filter { $0 != .null }
            return types.count == 1 ? types[0].sqlType : .varchar
        case .logical(let logical, let base):
            switch logical {
            case .decimal(let precision, let scale): return .decimal(precision: precision, scale: scale)
            case .date: return .date
            case .timestampMillis, .timestampMicros: return .timestamp3
            case .timeMillis, .timeMicros: return base.sqlType
            }
        }
    }

    /// The columns of a record schema; any other schema is one column named `ROWVAL`, as
    /// ksqlDB names an unwrapped value.
    var columns: [RowField] {
        if case .record(let record) = self { return record.fields.map { RowField($0.name, $0.schema.sqlType) } }
        return [RowField("ROWVAL", sqlType)]
    }

    /// The namespace and name ksqlDB gives the record of a source's columns.
    static let ksqlRecordName = "io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"

    /// The schema ksqlDB writes for `columns`: a record named `KsqlDataSourceSchema` whose fields
    /// are all optional (`["null", T]`, default null); a nested STRUCT is a record named after
    /// its parent and field (`KsqlDataSourceSchema_ADDRESS`). With `unwrapped`, the one column's
    /// schema alone (ksqlDB's single key column). `recordName` is ksqlDB's `*_SCHEMA_FULL_NAME`.
    static func ksqlSchemaText(for columns: [RowField], unwrapped: Bool, recordName: String = ksqlRecordName) -> String {
        if unwrapped, columns.count == 1 { return optionalText(columns[0].type, name: recordName + "_" + columns[0].name) }
        return recordText(columns, name: recordName)
    }

    private static func recordText(_ fields: [RowField], name: String) -> String {
        let fieldTexts = fields.map { field in
            "{\"name\":\(jsonString(field.name)),\"type\":\(optionalText(field.type, name: name + "_" + field.name)),\"default\":null}"
        }
        let namespace = name.lastIndex(of: ".").map { ",\"namespace\":\(jsonString(String(name[..<$0])))" } ?? ""
        let shortName = name.split(separator: ".").last.map(String.init) ?? name
        return "{\"type\":\"record\",\"name\":\(jsonString(shortName))" + namespace + ",\"fields\":[\(fieldTexts.joined(separator: ","))]}"
    }

    private static func optionalText(_ type: SQLType, name: String) -> String { "[\"null\",\(typeText(type, name: name))]" }

    private static func typeText(_ type: SQLType, name: String) -> String {
        switch type {
        case .boolean: return "\"boolean\""
        case .integer: return "\"int\""
        case .bigint, .intervalDayTime, .intervalYearMonth: return "\"long\""
        case .double: return "\"double\""
        case .varchar, .null: return "\"string\""
        case .decimal(let precision, let scale):
            return "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":\(precision),\"scale\":\(scale)}"
        case .timestamp: return "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}"
        case .date: return "{\"type\":\"int\",\"logicalType\":\"date\"}"
        case .array(let element): return "{\"type\":\"array\",\"items\":\(optionalText(element, name: name))}"
        case .map(_, let value): return "{\"type\":\"map\",\"values\":\(optionalText(value, name: name))}"
        case .row(let fields): return recordText(fields, name: name)
        }
    }

    static func jsonString(_ text: String) -> String {
        var out = ""
        ValueJSON.append(.string(text), type: .varchar, to: &out)
        return out
    }
}

extension AvroSchema.Record {
    /// Kafka Connect's map entry (`key` and `value` fields), which it writes for a map whose
    /// keys are not plain strings.
    var mapEntry: (key: AvroSchema, value: AvroSchema)? {
        guard fields.count == 2, fields[0].name == "key", fields[1].name == "value" else { return nil }
        return (fields[0].schema, fields[1].schema)
    }
}
