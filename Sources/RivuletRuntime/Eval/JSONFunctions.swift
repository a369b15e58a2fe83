import RivuletCore
import RivuletPlanner

/// JSON_STRING, `IS JSON`, and JSON_VALUE, JSON_QUERY and JSON_EXISTS in their plain forms (`(json, path)`:
/// NULL on empty and on error, no wrapper; FALSE on error for JSON_EXISTS). Text that is not
/// JSON is an error of the row's value, so it gives those defaults, not a failed query.
enum JSONFunctions {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        switch function {
        case .jsonString:
            guard args.count == 1 else { throw ArithmeticKernels.arity(function, args.count) }
            return jsonString(args[0])
        case .isJSON:
            guard args.count == 2, case .string(let kind)? = args[1].constant else { throw ArithmeticKernels.arity(function, args.count) }
            let text = args[0]
            return CompiledNode(type: .boolean, children: [text]) { input throws(SQLError) in
                let column = try text.run(input)
                let matches = (0..<column.count).map { i -> Int64 in
                    guard !column.isNull(i), let node = document(column, i) else { return 0 }
                    switch (kind, node) {
                    case ("OBJECT", .object), ("ARRAY", .array), ("VALUE", _): return 1
                    case ("SCALAR", .object), ("SCALAR", .array): return 0
                    case ("SCALAR", _): return 1
                    default: return 0
                    }
                }
                return Column(ints: matches, kind: .bool)
            }
        case .jsonValue, .jsonQuery, .jsonExists:
            guard args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
            guard case .string(let text)? = args[1].constant else {
                throw SQLError.unsupported("\(function.rawValue.uppercased()): the JSON path must be a constant")
            }
            let path: JSONPath
            do {
                path = try JSONPath(text)
            } catch {
                throw SQLError(.invalidParameterValue, error.message)
            }
            if function == .jsonExists {
                let text = args[0]
                return CompiledNode(type: .boolean, children: args) { input throws(SQLError) in
                    let column = try text.run(input)
                    // A JSON null found at the path counts as nothing found, as in Flink.
                    let found = (0..<column.count).map { i -> Int64 in
                        guard !column.isNull(i), let root = document(column, i), let items = path.select(in: root) else { return 0 }
                        return items.contains { $0 != .null } ? 1 : 0
                    }
                    return Column(ints: found, kind: .bool, validity: column.validity)
                }
            }
            let scalar = function == .jsonValue
            return StringFunctions.text(args) { cols, i, out in
                guard let root = document(cols[0], i), let items = path.select(in: root) else { return false }
                // An indefinite path's items are a list: JSON_QUERY gives it as an array.
                if path.isIndefinite {
                    guard !scalar, !items.isEmpty else { return false }
                    out.append(contentsOf: sortedText(.array(items)).utf8)
                    return true
                }
                guard items.count == 1 else { return false }
                switch (items[0], scalar) {
                case (.string(let s), true): out.append(contentsOf: s.utf8)
                case (.number(let n), true): out.append(contentsOf: n.utf8)
                case (.bool(let b), true): out.append(contentsOf: (b ? "true" : "false").utf8)
                case (.array, false), (.object, false): out.append(contentsOf: sortedText(items[0]).utf8)
                default: return false
                }
                return true
            }
        default:
            throw SQLError.internal("\(function) is not a JSON function")
        }
    }

    /// JSON_ARRAY: the non-NULL values as JSON; those `nested` are JSON text already.
    static func array(_ values: [CompiledNode], nested: [Bool]) -> CompiledNode {
        CompiledNode(type: .varchar, children: values) { input throws(SQLError) in
            let columns = try values.map { value throws(SQLError) in try value.run(input) }
            var out = ByteColumn()
            for i in 0..<input.count {
                var text = "["
                var first = true
                for (index, column) in columns.enumerated() where !column.isNull(i) {
                    if !first { text += "," }
                    first = false
                    let type = values[index].type
                    text += nested[index] ? column.strings[i] : ValueJSON.text(column.value(at: i, type: type), type: type)
                }
                out.append(text + "]")
            }
            return Column(strings: out)
        }
    }

    /// Compact JSON with each object's members ordered by name, as Flink prints JSON_QUERY's results.
    static func sortedText(_ node: JSONNode) -> String {
        switch node {
        case .array(let items): return "[" + items.map(sortedText).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.sorted { $0.0 < $1.0 }.map { name, value in
                var out = ""
                ValueJSON.appendQuoted(name, to: &out)
                return out + ":" + sortedText(value)
            }.joined(separator: ",") + "}"
        default: return node.text
        }
    }

    private static func document(_ column: Column, _ row: Int) -> JSONNode? {
        var reader = column.strings.withBytes(row) { JSONTextReader(Array($0)) }
        return reader.readDocument()
    }

    private static func jsonString(_ value: CompiledNode) -> CompiledNode {
        let type = value.type
        return CompiledNode(type: .varchar, children: [value]) { input throws(SQLError) in
            let column = try value.run(input)
            var out = ByteColumn()
            for i in 0..<column.count {
                if !column.isNull(i) { out.bytes.append(contentsOf: ValueJSON.text(column.value(at: i, type: type), type: type).utf8) }
                out.offsets.append(out.bytes.count)
            }
            return Column(strings: out, validity: column.validity)
        }
    }
}
