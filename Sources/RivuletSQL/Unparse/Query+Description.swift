/// Canonical SQL for queries and `FROM` items.
extension Query: CustomStringConvertible {
    public var description: String {
        var text = ""
        if !with.isEmpty { text += "WITH \(SQLFormatting.list(with)) " }
        text += body.description
        if !orderBy.isEmpty { text += " ORDER BY \(SQLFormatting.list(orderBy))" }
        if let emit { text += emit == .changes ? " EMIT CHANGES" : " EMIT FINAL" }
        if let limit { text += " LIMIT \(limit)" }
        return text
    }
}

extension CommonTableExpression: CustomStringConvertible {
    public var description: String {
        let columnText = columns.isEmpty ? "" : " (\(SQLFormatting.identifiers(columns)))"
        return "\(name)\(columnText) AS (\(query))"
    }
}

extension SetExpr: CustomStringConvertible {
    public var description: String {
        switch self {
        case .select(let s): return s.description
        case .values(let v): return v.description
        case .query(let q): return "(\(q))"
        case .setOperation(let op):
            var right = op.right.description
            if case .setOperation = op.right { right = "(\(right))" }
            return "\(op.left) \(op.op.rawValue)\(op.all ? " ALL" : "") \(right)"
        }
    }
}

extension Select: CustomStringConvertible {
    public var description: String {
        var text = "SELECT "
        if distinct { text += "DISTINCT " }
        text += SQLFormatting.list(items)
        if !from.isEmpty { text += " FROM \(SQLFormatting.list(from))" }
        if let window { text += " \(window)" }
        if let whereClause { text += " WHERE \(whereClause)" }
        if !groupBy.isEmpty || !groupingSets.isEmpty {
            let sets = groupingSets.map { element -> String in
                switch element {
                case .sets(let sets): return "GROUPING SETS (" + sets.map { "(\(SQLFormatting.list($0)))" }.joined(separator: ", ") + ")"
                case .rollup(let keys): return "ROLLUP (\(SQLFormatting.list(keys)))"
                case .cube(let keys): return "CUBE (\(SQLFormatting.list(keys)))"
                }
            }
            text += " GROUP BY " + (groupBy.map(\.description) + sets).joined(separator: ", ")
        }
        if let having { text += " HAVING \(having)" }
        if !namedWindows.isEmpty {
            text += " WINDOW " + namedWindows.map {
                "\(SQLFormatting.identifier($0.name, reservedAllowed: false)) AS (\($0.specification))"
            }.joined(separator: ", ")
        }
        if !partitionBy.isEmpty { text += " PARTITION BY \(SQLFormatting.list(partitionBy))" }
        return text
    }
}

extension Values: CustomStringConvertible {
    public var description: String {
        "VALUES " + rows.map { "(\(SQLFormatting.list($0)))" }.joined(separator: ", ")
    }
}

extension SelectItem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .wildcard(let w):
            if let base = w.fieldsOf { return "\(base)->*" }
            guard let qualifier = w.qualifier else { return "*" }
            return "\(qualifier).*"
        case .expression(let e):
            guard let alias = e.alias else { return e.expr.description }
            return "\(e.expr) AS \(alias)"
        }
    }
}

extension TableReference: CustomStringConvertible {
    public var description: String {
        switch self {
        case .named(let t):
            var text = t.name.description
            if let asOf = t.systemTimeAsOf { text += " FOR SYSTEM_TIME AS OF \(asOf)" }
            if let alias = t.alias { text += " AS \(alias)" }
            return text
        case .derived(let t):
            var text = "(\(t.query))" + (t.alias.map { " AS \($0)" } ?? "")
            if !t.columns.isEmpty { text += " (" + SQLFormatting.identifiers(t.columns) + ")" }
            return text
        case .windowFunction(let f):
            return f.description
        case .unnest(let t):
            var text = (t.isFunction ? "\(t.argument)" : "UNNEST(\(t.argument))") + (t.withOrdinality ? " WITH ORDINALITY" : "")
            text += t.alias.map { " AS \($0)" } ?? ""
            if !t.columnAliases.isEmpty { text += " (" + SQLFormatting.identifiers(t.columnAliases) + ")" }
            return text
        case .join(let j):
            return j.description
        case .matchRecognize(let m):
            return m.description
        }
    }
}

extension MatchRecognize: CustomStringConvertible {
    public var description: String {
        var clauses: [String] = []
        if !partitionBy.isEmpty { clauses.append("PARTITION BY \(SQLFormatting.list(partitionBy))") }
        clauses.append("ORDER BY \(SQLFormatting.list(orderBy))")
        if !measures.isEmpty {
            clauses.append("MEASURES " + measures.map { "\($0.expr) AS \($0.name)" }.joined(separator: ", "))
        }
        switch rowsPerMatch {
        case .one: clauses.append("ONE ROW PER MATCH")
        case .all: clauses.append("ALL ROWS PER MATCH")
        case nil: break
        }
        switch afterMatch {
        case .pastLastRow: clauses.append("AFTER MATCH SKIP PAST LAST ROW")
        case .toNextRow: clauses.append("AFTER MATCH SKIP TO NEXT ROW")
        case .toFirst(let v): clauses.append("AFTER MATCH SKIP TO FIRST \(v)")
        case .toLast(let v): clauses.append("AFTER MATCH SKIP TO LAST \(v)")
        case nil: break
        }
        clauses.append("PATTERN (\(pattern))" + (within.map { " WITHIN \($0)" } ?? ""))
        if !definitions.isEmpty {
            clauses.append("DEFINE " + definitions.map { "\($0.name) AS \($0.condition)" }.joined(separator: ", "))
        }
        let text = "\(input) MATCH_RECOGNIZE (" + clauses.joined(separator: " ") + ")"
        return text + (alias.map { " AS \($0)" } ?? "")
    }
}

extension RowPattern: CustomStringConvertible {
    public var description: String {
        switch self {
        case .variable(let name, let quantifier):
            return name.description + (quantifier?.description ?? "")
        case .sequence(let parts):
            return parts.map(\.description).joined(separator: " ")
        case .alternation(let parts, _):
            return parts.map(\.description).joined(separator: " | ")
        case .group(let inner, let quantifier, _):
            return "(\(inner))" + (quantifier?.description ?? "")
        case .permute(let parts, _):
            return "PERMUTE(" + parts.map(\.description).joined(separator: ", ") + ")"
        }
    }
}

extension PatternQuantifier: CustomStringConvertible {
    public var description: String {
        let text: String
        switch (min, max) {
        case (0, nil): text = "*"
        case (1, nil): text = "+"
        case (0, 1): text = "?"
        case (let n, let m?) where n == m: text = "{\(n)}"
        case (let n, nil): text = "{\(n),}"
        case (let n, let m?): text = "{\(n),\(m)}"
        }
        return text + (reluctant ? "?" : "")
    }
}

extension Join: CustomStringConvertible {
    public var description: String {
        let keyword: String
        switch kind {
        case .inner: keyword = "JOIN"
        case .left: keyword = "LEFT JOIN"
        case .right: keyword = "RIGHT JOIN"
        case .full: keyword = "FULL JOIN"
        case .cross: keyword = "CROSS JOIN"
        }
        var text = "\(left) \(keyword) \(right)"
        if let within { text += " \(within)" }
        if let condition { text += " ON \(condition)" }
        if !using.isEmpty { text += " USING (\(SQLFormatting.list(using)))" }
        return text
    }
}

extension WindowTableFunction: CustomStringConvertible {
    public var description: String {
        var table = "TABLE \(self.table)"
        if partitionBy.count == 1 {
            table += " PARTITION BY \(partitionBy[0])"
        } else if partitionBy.count > 1 {
            table += " PARTITION BY (\(SQLFormatting.list(partitionBy)))"
        }
        var arguments = [table, "DESCRIPTOR(\(timeColumn))"]
        let durations: [Expr?]
        switch kind {
        case .tumble: durations = [size, offset]
        case .hop: durations = [slide, size, offset]
        case .cumulate: durations = [step, size, offset]
        case .session: durations = [gap]
        }
        arguments += durations.compactMap { $0?.description }
        let call = "TABLE(\(kind.rawValue)(\(arguments.joined(separator: ", "))))"
        return call + (alias.map { " AS \($0)" } ?? "")
    }
}

extension KsqlWindow: CustomStringConvertible {
    public var description: String {
        var items = [kind == .session ? size.description : "SIZE \(size)"]
        if let advance { items.append("ADVANCE BY \(advance)") }
        if let retention { items.append("RETENTION \(retention)") }
        if let grace { items.append("GRACE PERIOD \(grace)") }
        return "WINDOW \(kind.rawValue) (\(items.joined(separator: ", ")))"
    }
}

extension JoinWithin: CustomStringConvertible {
    public var description: String {
        var text = after.map { "WITHIN (\(before), \($0))" } ?? "WITHIN \(before)"
        if let grace { text += " GRACE PERIOD \(grace)" }
        return text
    }
}

extension DurationLiteral: CustomStringConvertible {
    public var description: String {
        "\(value) \(unit.rawValue)\(value == 1 ? "" : "S")"
    }
}
