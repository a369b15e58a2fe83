/// Canonical SQL for expressions, with only the parentheses precedence needs.
extension Expr: CustomStringConvertible {
    /// How tightly this node binds; operands binding less tightly than their context get parentheses.
    public var precedence: Int {
        switch self {
        case .binary(let e): return e.op.precedence
        case .unary(let e): return e.op == .not ? Precedence.not : Precedence.unary
        case .isNull, .isJSON, .like, .inList, .inSubquery, .between: return Precedence.comparison
        default: return Precedence.primary
        }
    }

    /// The expression, parenthesized when it binds less tightly than `minimum`.
    func sql(atLeast minimum: Int) -> String {
        precedence < minimum ? "(\(description))" : description
    }

    public var description: String {
        switch self {
        case .column(let e): return e.description
        case .literal(let e): return e.description
        case .parameter(let e): return "$\(e.index)"
        case .unary(let e): return e.description
        case .binary(let e): return e.description
        case .isJSON(let e):
            return "\(e.expr.sql(atLeast: Precedence.comparison)) IS \(e.negated ? "NOT " : "")JSON\(e.kind.map { " " + $0.rawValue } ?? "")"
        case .isNull(let e):
            return "\(e.expr.sql(atLeast: Precedence.comparison)) IS \(e.negated ? "NOT " : "")NULL"
        case .like(let e):
            var text = "\(e.expr.sql(atLeast: Precedence.comparison)) \(e.negated ? "NOT " : "")LIKE \(e.pattern.sql(atLeast: Precedence.additive))"
            if let escape = e.escape { text += " ESCAPE \(escape.sql(atLeast: Precedence.additive))" }
            return text
        case .inList(let e):
            return "\(e.expr.sql(atLeast: Precedence.comparison)) \(e.negated ? "NOT " : "")IN (\(SQLFormatting.list(e.list)))"
        case .inSubquery(let e):
            return "\(e.expr.sql(atLeast: Precedence.comparison)) \(e.negated ? "NOT " : "")IN (\(e.query))"
        case .between(let e):
            return "\(e.expr.sql(atLeast: Precedence.comparison)) \(e.negated ? "NOT " : "")BETWEEN "
                + "\(e.low.sql(atLeast: Precedence.additive)) AND \(e.high.sql(atLeast: Precedence.additive))"
        case .function(let e): return e.description
        case .caseWhen(let e): return e.description
        case .cast(let e): return "\(e.isTry ? "TRY_CAST" : "CAST")(\(e.expr) AS \(e.type))"
        case .extract(let e): return "EXTRACT(\(e.field.rawValue) FROM \(e.expr))"
        case .substring(let e):
            return "SUBSTRING(\(e.expr) FROM \(e.start)\(e.length.map { " FOR \($0)" } ?? ""))"
        case .trim(let e):
            var parts: [String] = []
            if let side = e.side { parts.append(side.rawValue) }
            if let characters = e.characters { parts.append(characters.description) }
            if !parts.isEmpty { parts.append("FROM") }
            parts.append(e.expr.description)
            return "TRIM(\(parts.joined(separator: " ")))"
        case .keywordCall(let e):
            // POSITION's needle is read above comparisons, so that its IN stays the call's.
            var parts = [e.name == "POSITION" ? e.arguments[0].sql(atLeast: Precedence.additive) : e.arguments[0].description]
            for (keyword, argument) in zip(e.keywords, e.arguments.dropFirst()) { parts += [keyword, argument.description] }
            if let unit = e.unit { parts += ["TO", unit.rawValue] }
            return "\(e.name)(\(parts.joined(separator: " ")))"
        case .currentDateTime(let e): return e.kind.rawValue
        case .scalarSubquery(let e): return (e.collectsArray ? "ARRAY" : "") + "(\(e.query))"
        case .exists(let e): return "\(e.negated ? "NOT " : "")EXISTS (\(e.query))"
        case .constructor(let e): return e.description
        case .subscript(let e): return "\(e.base.sql(atLeast: Precedence.primary))[\(e.index)]"
        case .fieldAccess(let e):
            let field = SQLFormatting.identifier(e.field, reservedAllowed: true)
            // A bare column before `.` would read back as a qualified name: parenthesize it.
            if !e.arrow, case .column = e.base { return "(\(e.base)).\(field)" }
            return "\(e.base.sql(atLeast: Precedence.primary))\(e.arrow ? "->" : ".")\(field)"
        }
    }
}

extension NestedConstructor: CustomStringConvertible {
    public var description: String {
        func pairs(_ separator: String) -> String {
            stride(from: 0, to: items.count - 1, by: 2).map { "\(items[$0])\(separator)\(items[$0 + 1])" }
                .joined(separator: ", ")
        }
        switch kind {
        case .array: return "ARRAY[\(SQLFormatting.list(items))]"
        case .map: return "MAP[\(SQLFormatting.list(items))]"
        case .assignedMap: return "MAP(\(pairs(" := ")))"
        case .row: return "ROW(\(SQLFormatting.list(items)))"
        case .struct:
            return "STRUCT(" + zip(names, items).map { "\(SQLFormatting.identifier($0, reservedAllowed: true)) := \($1)" }
                .joined(separator: ", ") + ")"
        }
    }
}

extension ColumnReference: CustomStringConvertible {
    public var description: String {
        parts.enumerated().map { SQLFormatting.identifier($1, reservedAllowed: $0 > 0) }.joined(separator: ".")
    }
}

extension Literal: CustomStringConvertible {
    public var description: String { value.description }
}

extension LiteralValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .number(let digits): return digits
        case .string(let text): return SQLFormatting.string(text)
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .null: return "NULL"
        case .interval(let interval): return interval.description
        case .timestamp(let text): return "TIMESTAMP \(SQLFormatting.string(text))"
        case .date(let text): return "DATE \(SQLFormatting.string(text))"
        case .time(let text): return "TIME \(SQLFormatting.string(text))"
        }
    }
}

extension IntervalLiteral: CustomStringConvertible {
    public var description: String {
        "INTERVAL \(SQLFormatting.string(value)) \(unit.rawValue)\(toUnit.map { " TO \($0.rawValue)" } ?? "")"
    }
}

extension UnaryExpression: CustomStringConvertible {
    public var description: String {
        switch op {
        case .not:
            return "NOT \(operand.sql(atLeast: Precedence.not))"
        case .minus, .plus:
            let inner = operand.sql(atLeast: Precedence.unary)
            // `- -x` must not print as `--x`, which starts a comment, nor as `-(-x)`, which
            // nests twice as deep and could pass the parser's depth limit the input kept to.
            if inner.hasPrefix("-") || inner.hasPrefix("+") { return op.rawValue + " " + inner }
            return op.rawValue + inner
        }
    }
}

extension BinaryExpression: CustomStringConvertible {
    public var description: String {
        // Left-associative: an equally binding right operand needs parentheses.
        "\(left.sql(atLeast: op.precedence)) \(op.rawValue) \(right.sql(atLeast: op.precedence + 1))"
    }
}

extension FunctionCall: CustomStringConvertible {
    public var description: String {
        let nameText = name.parts.enumerated().map { index, part in
            // `LEFT(...)`: reserved words that are also function names stay unquoted when called.
            if index == 0, !part.quoted, Parser.callableReserved.contains(part.value.uppercased()) { return part.value }
            return SQLFormatting.identifier(part, reservedAllowed: index > 0)
        }.joined(separator: ".")
        var text = nameText + "("
        if let json {
            text += json.sql(arguments, isObject: upperName == "JSON_OBJECT")
        } else if isStar {
            text += "*"
        } else {
            if distinct { text += "DISTINCT " }
            text += SQLFormatting.list(arguments)
            if !orderBy.isEmpty { text += " ORDER BY \(SQLFormatting.list(orderBy))" }
        }
        text += ")"
        if let filter { text += " FILTER (WHERE \(filter))" }
        if let over, let name = over.name {
            text += " OVER \(SQLFormatting.identifier(name, reservedAllowed: false))"
        } else if let over {
            text += " OVER (\(over))"
        }
        return text
    }
}

extension WindowSpecification: CustomStringConvertible {
    public var description: String {
        var parts: [String] = []
        if !partitionBy.isEmpty { parts.append("PARTITION BY \(SQLFormatting.list(partitionBy))") }
        if !orderBy.isEmpty { parts.append("ORDER BY \(SQLFormatting.list(orderBy))") }
        if let frame { parts.append(frame.description) }
        return parts.joined(separator: " ")
    }
}

extension WindowFrame: CustomStringConvertible {
    public var description: String {
        if let end { return "\(units.rawValue) BETWEEN \(start) AND \(end)" }
        return "\(units.rawValue) \(start)"
    }
}

extension FrameBound: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unboundedPreceding: return "UNBOUNDED PRECEDING"
        case .preceding(let e): return "\(e.sql(atLeast: Precedence.additive)) PRECEDING"
        case .currentRow: return "CURRENT ROW"
        case .following(let e): return "\(e.sql(atLeast: Precedence.additive)) FOLLOWING"
        case .unboundedFollowing: return "UNBOUNDED FOLLOWING"
        }
    }
}

extension CaseExpression: CustomStringConvertible {
    public var description: String {
        var text = "CASE"
        if let operand { text += " \(operand)" }
        for branch in branches { text += " WHEN \(branch.condition) THEN \(branch.result)" }
        if let elseResult { text += " ELSE \(elseResult)" }
        return text + " END"
    }
}

extension OrderByItem: CustomStringConvertible {
    public var description: String {
        var text = expr.description
        if let ascending { text += ascending ? " ASC" : " DESC" }
        if let nullsFirst { text += nullsFirst ? " NULLS FIRST" : " NULLS LAST" }
        return text
    }
}

extension JSONClauses {
    /// A SQL/JSON function's arguments and clauses, as written between its parentheses.
    func sql(_ arguments: [Expr], isObject: Bool) -> String {
        var parts: [String] = []
        if isObject {
            var pairs: [String] = []
            for index in stride(from: 0, to: arguments.count - 1, by: 2) {
                pairs.append("KEY \(arguments[index]) VALUE \(arguments[index + 1])")
            }
            parts.append(pairs.joined(separator: ", "))
        } else {
            parts.append(SQLFormatting.list(arguments))
        }
        if let returning { parts.append("RETURNING \(returning)") }
        if let wrapper { parts.append(wrapper.rawValue) }
        if let onEmpty { parts.append("\(onEmpty) ON EMPTY") }
        if let onError { parts.append("\(onError) ON ERROR") }
        if let onNull { parts.append(onNull.rawValue) }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension JSONClauses.Behavior: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: "NULL"
        case .error: "ERROR"
        case .default(let expr): "DEFAULT \(expr)"
        case .emptyArray: "EMPTY ARRAY"
        case .emptyObject: "EMPTY OBJECT"
        case .true: "TRUE"
        case .false: "FALSE"
        case .unknown: "UNKNOWN"
        }
    }
}
