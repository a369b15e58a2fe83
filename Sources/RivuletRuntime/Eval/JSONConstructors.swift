import RivuletCore
import RivuletPlanner

/// JSON_ARRAY and JSON_OBJECT: JSON text built from values as Flink writes them — strings
/// quoted, numbers as their SQL text (a DECIMAL keeps its scale), TIMESTAMP in ISO form
/// (`2024-01-01T10:00:00.5`), ARRAY, MAP and ROW as arrays and objects; a JSON_ARRAY or
/// JSON_OBJECT among the values is nested as JSON, not as text. The last argument says whether
/// a NULL value is a JSON null (`NULL`) or left out (`ABSENT`); nested NULLs are always null.
enum JSONConstructors {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode], nested: [Bool]) throws(SQLError) -> CompiledNode {
        guard let last = args.last, case .string(let onNull)? = last.constant else {
            throw SQLError.internal("\(function) needs its ON NULL behavior last")
        }
        let values = Array(args.dropLast())
        let keepsNulls = onNull == "NULL"
        let isObject = function == .jsonObject
        if isObject, values.count % 2 != 0 { throw SQLError.internal("JSON_OBJECT needs a value for every key") }
        return CompiledNode(type: .varchar, children: values) { input throws(SQLError) in
            let columns = try values.map { value throws(SQLError) in try value.run(input) }
            var out = ByteColumn()
            for i in 0..<input.count {
                var text = ""
                if isObject {
                    // Ordered by name, the last of equal names kept, as Flink's object node keeps them.
                    var members: [String: String] = [:]
                    for pair in stride(from: 0, to: columns.count, by: 2) where !columns[pair].isNull(i) {
                        let value = columns[pair + 1]
                        guard keepsNulls || !value.isNull(i) else { continue }
                        members[columns[pair].strings[i]] = member(value, i, values[pair + 1].type, nested: nested[pair + 1])
                    }
                    text = "{" + members.sorted { $0.key < $1.key }.map { name, value in
                        var quoted = ""
                        ValueJSON.appendQuoted(name, to: &quoted)
                        return quoted + ":" + value
                    }.joined(separator: ",") + "}"
                } else {
                    let elements = columns.indices.filter { keepsNulls || !columns[$0].isNull(i) }
                    text = "[" + elements.map { member(columns[$0], i, values[$0].type, nested: nested[$0]) }.joined(separator: ",") + "]"
                }
                out.append(text)
            }
            return Column(strings: out)
        }
    }

    private static func member(_ column: Column, _ i: Int, _ type: SQLType, nested: Bool) -> String {
        if column.isNull(i) { return "null" }
        if nested { return column.strings[i] }
        var out = ""
        append(column.value(at: i, type: type), type: type, to: &out)
        return out
    }

    /// `value` as Flink's JSON functions write it.
    private static func append(_ value: Value, type: SQLType, to out: inout String) {
        switch (value, type) {
        case (.timestamp(let millis), _):
            ValueJSON.appendQuoted(isoTimestamp(millis), to: &out)
        case (.array(let elements), .array(let elementType)):
            out += "[" + elements.map { element in
                var text = ""
                append(element, type: elementType, to: &text)
                return text
            }.joined(separator: ",") + "]"
        case (.map(let keys, let values), .map(_, let valueType)):
            out += "{" + zip(keys, values).map { key, value in
                var text = ""
                ValueJSON.appendQuoted(key.description, to: &text)
                text += ":"
                append(value, type: valueType, to: &text)
                return text
            }.joined(separator: ",") + "}"
        case (.row(let fields), .row(let fieldTypes)):
            out += "{" + zip(fields, fieldTypes).map { field, fieldType in
                var text = ""
                ValueJSON.appendQuoted(fieldType.name, to: &text)
                text += ":"
                append(field, type: fieldType.type, to: &text)
                return text
            }.joined(separator: ",") + "}"
        default:
            ValueJSON.append(value, type: type, to: &out)
        }
    }

    /// `2024-01-01T10:00:00`, with the fraction of a second when there is one, trailing zeros dropped.
    static func isoTimestamp(_ millis: Int64) -> String {
        var text = TimeFormat.timestampText(millis).replacingOccurrences(of: " ", with: "T")
        if let dot = text.firstIndex(of: ".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.index(after: dot) == text.endIndex { text.removeLast() }
        }
        return text
    }
}
