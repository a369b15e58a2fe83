import RivuletCore
import RivuletPlanner

/// JSON_STRING, `IS JSON`, JSON_QUOTE and JSON_UNQUOTE, and JSON_VALUE, JSON_QUERY and
/// JSON_EXISTS with Flink's clauses. A search ends in a value, in nothing (empty: only in lax
/// mode, when a step finds nothing or JSON_VALUE finds a JSON null) or in an error (text that is
/// not JSON, a path that does not parse or a strict step that finds nothing, a value of the wrong
/// kind, or one JSON_VALUE cannot convert to its RETURNING type); ON EMPTY and ON ERROR decide
/// what each gives. A path without `lax` or `strict` is
/// strict, as in Flink. `ERROR ON ...` fails the query with the reason.
enum JSONFunctions {
    /// What a search found in one row.
    private enum Outcome {
        case found(String)
        case empty
        case error(String)
    }

    static func compile(_ function: ScalarFunction, _ args: [CompiledNode], type: SQLType) throws(SQLError) -> CompiledNode {
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
        case .jsonQuote:
            return StringFunctions.text(args) { cols, i, out in
                var quoted = ""
                quote(cols[0].strings[i], escapingSlash: true, to: &quoted)
                out.append(contentsOf: quoted.utf8)
                return true
            }
        case .jsonUnquote:
            return StringFunctions.text(args) { cols, i, out in
                let text = cols[0].strings[i]
                var reader = JSONTextReader(Array(text.utf8))
                if text.hasPrefix("\""), case .string(let unquoted)? = reader.readDocument() {
                    out.append(contentsOf: unquoted.utf8)
                } else {
                    out.append(contentsOf: text.utf8)
                }
                return true
            }
        case .jsonValue:
            guard args.count == 6 else { throw ArithmeticKernels.arity(function, args.count) }
            return try value(args, type: type)
        case .jsonQuery:
            guard args.count == 5 else { throw ArithmeticKernels.arity(function, args.count) }
            return try query(args)
        case .jsonExists:
            guard args.count == 3 else { throw ArithmeticKernels.arity(function, args.count) }
            return try exists(args)
        default:
            throw SQLError.internal("\(function) is not a JSON function")
        }
    }

    /// A constant argument's text (a path, a mode).
    private static func constantText(_ node: CompiledNode, _ what: String) throws(SQLError) -> String {
        guard case .string(let text)? = node.constant else { throw SQLError.unsupported("the \(what) must be a constant") }
        return text
    }

    /// What a path selects in one row.
    private enum Search {
        case items([JSONNode])
        /// Text that is not JSON, in lax mode.
        case nothing
        case failed(String)
    }

    /// The items the path selects in row `i`, or why there are none to give. Text that is not
    /// JSON holds nothing in lax mode, and is an error in strict mode, as Flink reads it.
    private static func search(_ column: Column, _ i: Int, _ path: Result<JSONPath, JSONPath.SyntaxError>) -> Search {
        let parsed: JSONPath
        switch path {
        case .success(let value): parsed = value
        case .failure(let error): return .failed(error.message)
        }
        guard let root = document(column, i) else { return parsed.strict ? .failed("the text is not JSON") : .nothing }
        guard let items = parsed.select(in: root) else { return .failed("the strict path finds nothing") }
        return .items(items)
    }

    private static func parsePath(_ text: String) -> Result<JSONPath, JSONPath.SyntaxError> {
        do throws(JSONPath.SyntaxError) {
            return .success(try JSONPath(text))
        } catch {
            return .failure(error)
        }
    }

    /// JSON_VALUE: the scalar at the path, converted to `type` as CAST converts text.
    private static func value(_ args: [CompiledNode], type: SQLType) throws(SQLError) -> CompiledNode {
        let path = parsePath(try constantText(args[1], "JSON path"))
        let isLax = (try? path.get().strict) == false
        let indefinite = (try? path.get().isIndefinite) == true
        let modes = (empty: try constantText(args[2], "ON EMPTY behavior"), error: try constantText(args[3], "ON ERROR behavior"))
        let text = args[0]
        let defaults = (empty: args[4], error: args[5])
        let converted = try CastKernels.compile(.column(0, .varchar), to: type)
        return CompiledNode(type: type, children: args, mayThrow: modes.empty == "ERROR" || modes.error == "ERROR") { input throws(SQLError) in
            let column = try text.run(input)
            var outcomes: [Outcome?] = []
            outcomes.reserveCapacity(input.count)
            var found = Column(type: .varchar)
            for i in 0..<input.count {
                guard !column.isNull(i) else {
                    outcomes.append(nil)
                    found.appendNull()
                    continue
                }
                let outcome: Outcome? = switch search(column, i, path) {
                case .failed(let reason): .error(reason)
                case .nothing: .empty
                // A list is no scalar, yet Flink gives NULL for it whatever ON ERROR says.
                case .items where indefinite: nil
                case .items(let items):
                    switch items.first {
                    case nil: .empty
                    case .null?: isLax ? .empty : .error("the value is null")
                    case .string(let s)?: .found(s)
                    case .number(let n)?: .found(n)
                    case .bool(let b)?: .found(b ? "true" : "false")
                    case .array?, .object?: .error("the value is not a scalar")
                    }
                }
                outcomes.append(outcome)
                if case .found(let s) = outcome { found.appendBytes(Array(s.utf8)) } else { found.appendNull() }
            }
            let values = type == .varchar ? found : try converted.run(EvalInput(batch: RowBatch(columns: [found], count: input.count), now: input.now))
            let emptyDefaults = modes.empty == "DEFAULT" ? try defaults.empty.run(input) : nil
            let errorDefaults = modes.error == "DEFAULT" ? try defaults.error.run(input) : nil
            var out = Column(type: type, capacity: input.count)
            for (i, outcome) in outcomes.enumerated() {
                switch outcome {
                case nil: out.appendNull()
                case .found where values.isNull(i):
                    try behave(modes.error, defaults: errorDefaults, i, into: &out, reason: "the value is not a \(type)", what: "JSON_VALUE", on: "ERROR")
                case .found: out.append(from: values, row: i)
                case .empty:
                    try behave(modes.empty, defaults: emptyDefaults, i, into: &out, reason: "no value at the path", what: "JSON_VALUE", on: "EMPTY")
                case .error(let reason):
                    try behave(modes.error, defaults: errorDefaults, i, into: &out, reason: reason, what: "JSON_VALUE", on: "ERROR")
                }
            }
            return out
        }
    }

    /// NULL, a DEFAULT's value or a failed query, as `mode` says.
    private static func behave(
        _ mode: String, defaults: Column?, _ i: Int, into out: inout Column, reason: String, what: String, on: String
    ) throws(SQLError) {
        switch mode {
        case "ERROR": throw SQLError(.noSQLJSONItem, "\(what): \(reason) (ERROR ON \(on))")
        case "DEFAULT": if let defaults { out.append(from: defaults, row: i) } else { out.appendNull() }
        default: out.appendNull()
        }
    }

    /// JSON_QUERY: the object or array at the path as JSON text, wrapped as asked.
    private static func query(_ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        let path = parsePath(try constantText(args[1], "JSON path"))
        let isLax = (try? path.get().strict) == false
        let indefinite = (try? path.get().isIndefinite) == true
        let wrapper = try constantText(args[2], "wrapper")
        let modes = (empty: try constantText(args[3], "ON EMPTY behavior"), error: try constantText(args[4], "ON ERROR behavior"))
        let text = args[0]
        return CompiledNode(type: .varchar, children: args, mayThrow: modes.empty == "ERROR" || modes.error == "ERROR") { input throws(SQLError) in
            let column = try text.run(input)
            var out = Column(type: .varchar, capacity: input.count)
            for i in 0..<input.count {
                guard !column.isNull(i) else {
                    out.appendNull()
                    continue
                }
                var outcome: Outcome
                switch search(column, i, path) {
                case .failed(let reason):
                    outcome = .error(reason)
                case .nothing:
                    outcome = .empty
                case .items(let items):
                    // A list, even an empty one, is an array.
                    let node: JSONNode? = indefinite ? .array(items) : items.first
                    switch (node, wrapper) {
                    case (nil, _): outcome = .empty
                    case (.null?, _): outcome = isLax ? .empty : .error("the value is null")
                    // A conditional wrapper wraps anything but an array.
                    case (.array?, "CONDITIONAL"): outcome = .found(sortedText(node!))
                    case (let node?, "UNCONDITIONAL"), (let node?, "CONDITIONAL"): outcome = .found("[" + sortedText(node) + "]")
                    case (.array?, _), (.object?, _): outcome = .found(sortedText(node!))
                    default: outcome = isLax ? .empty : .error("the value is a scalar, not an object or array")
                    }
                }
                let (mode, on, reason): (String, String, String)
                switch outcome {
                case .found(let s):
                    out.appendBytes(Array(s.utf8))
                    continue
                case .empty: (mode, on, reason) = (modes.empty, "EMPTY", "no value at the path")
                case .error(let why): (mode, on, reason) = (modes.error, "ERROR", why)
                }
                switch mode {
                case "ERROR": throw SQLError(.noSQLJSONItem, "JSON_QUERY: \(reason) (ERROR ON \(on))")
                case "EMPTY ARRAY": out.appendBytes(Array("[]".utf8))
                case "EMPTY OBJECT": out.appendBytes(Array("{}".utf8))
                default: out.appendNull()
                }
            }
            return out
        }
    }

    /// JSON_EXISTS: whether the path selects a value other than JSON null.
    private static func exists(_ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        let path = parsePath(try constantText(args[1], "JSON path"))
        let onError = try constantText(args[2], "ON ERROR behavior")
        let text = args[0]
        return CompiledNode(type: .boolean, children: args, mayThrow: onError == "ERROR") { input throws(SQLError) in
            let column = try text.run(input)
            var out = Column(type: .boolean, capacity: input.count)
            for i in 0..<input.count {
                guard !column.isNull(i) else {
                    out.appendNull()
                    continue
                }
                switch search(column, i, path) {
                case .items(let items):
                    out.appendInt(items.contains { $0 != .null } ? 1 : 0)
                case .nothing:
                    out.appendInt(0)
                case .failed(let reason):
                    switch onError {
                    case "ERROR": throw SQLError(.noSQLJSONItem, "JSON_EXISTS: \(reason) (ERROR ON ERROR)")
                    case "TRUE": out.appendInt(1)
                    case "UNKNOWN": out.appendNull()
                    default: out.appendInt(0)
                    }
                }
            }
            return out
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

    /// `s` as a JSON string literal; JSON_QUOTE escapes `/` too.
    static func quote(_ s: String, escapingSlash: Bool, to out: inout String) {
        guard escapingSlash else { return ValueJSON.appendQuoted(s, to: &out) }
        var quoted = ""
        ValueJSON.appendQuoted(s, to: &quoted)
        out += quoted.replacingOccurrences(of: "/", with: "\\/")
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
