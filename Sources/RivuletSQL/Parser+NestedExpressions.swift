import RivuletCore

/// Constructors of nested values and the postfix accesses into them, in both dialects'
/// spellings: `ARRAY[...]`, `MAP[...]`, `ROW(...)` (Flink), `STRUCT(a := ...)`, `MAP(k := v)`
/// (ksqlDB); `a[i]`, `m[key]`, `s->field`, `(expr).field`.
extension Parser {
    /// A constructor introduced by `word` (the current token), or nil when `word` does not
    /// start one here (`ARRAY` not followed by `[`, say).
    mutating func parseNestedConstructor(_ word: String) throws(SQLError) -> Expr? {
        let start = current.span.start
        switch word {
        case "ARRAY" where isSymbol(.leftBracket, at: 1), "MAP" where isSymbol(.leftBracket, at: 1):
            advance()
            advance()
            var items: [Expr] = []
            if !isSymbol(.rightBracket) {
                items = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
            }
            try expectSymbol(.rightBracket, "after the \(word) elements")
            let span = span(from: start)
            if word == "MAP", items.count % 2 != 0 || items.isEmpty {
                throw SQLError.syntax("MAP[...] takes keys and values in pairs: MAP[k1, v1, k2, v2, ...]", at: span)
            }
            return .constructor(NestedConstructor(kind: word == "MAP" ? .map : .array, items: items, span: span))
        case "ARRAY" where isSymbol(.leftParen, at: 1) && startsQuery(at: 2):
            advance()
            advance()
            let query = try parseQuery()
            try expectSymbol(.rightParen, "after the ARRAY subquery")
            return .scalarSubquery(ScalarSubquery(query: query, collectsArray: true, span: span(from: start)))
        case "ROW" where isSymbol(.leftParen, at: 1):
            advance()
            advance()
            let items = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
            try expectSymbol(.rightParen, "after the ROW fields")
            return .constructor(NestedConstructor(kind: .row, items: items, span: span(from: start)))
        case "STRUCT" where isSymbol(.leftParen, at: 1), "MAP" where isSymbol(.leftParen, at: 1):
            advance()
            advance()
            var items: [Expr] = []
            var names: [Identifier] = []
            if !isSymbol(.rightParen) {
                repeat {
                    if word == "STRUCT" {
                        let name = try parseIdentifierAfterPeriod("a field name")
                        // Named as ksqlDB names them: unquoted upper-cased, so `FOO` and `foo` differ.
                        func stored(_ id: Identifier) -> String { id.quoted ? id.value : id.value.uppercased() }
                        if names.contains(where: { stored($0) == stored(name) }) {
                            throw SQLError.syntax("duplicate field name '\(name.value)' in STRUCT", at: name.span)
                        }
                        names.append(name)
                    } else {
                        items.append(try parseExpr())
                    }
                    try expectSymbol(.colonEqual, word == "STRUCT" ? "after the field name" : "after the map key")
                    items.append(try parseExpr())
                } while consumeSymbol(.comma)
            }
            try expectSymbol(.rightParen, "after the \(word) entries")
            return .constructor(NestedConstructor(
                kind: word == "STRUCT" ? .struct : .assignedMap, items: items, names: names, span: span(from: start)))
        default:
            return nil
        }
    }

    /// `[index]`, `->field` or `.field` after `left`; nil when none follows. These bind
    /// tighter than any operator.
    mutating func parseNestedAccess(_ left: Expr) throws(SQLError) -> Expr? {
        let start = left.span.start
        if consumeSymbol(.leftBracket) {
            let index = try parseExpr()
            try expectSymbol(.rightBracket, "after the subscript")
            return .subscript(Subscript(base: left, index: index, span: span(from: start)))
        }
        // `expr->*` is a select item of its own (every field), read by the select list.
        if isSymbol(.thinArrow), !isSymbol(.star, at: 1), consumeSymbol(.thinArrow) {
            let field = try parseIdentifierAfterPeriod("a field name")
            return .fieldAccess(FieldAccess(base: left, field: field, arrow: true, span: span(from: start)))
        }
        // `.field` after anything but a name (`t.a.b` is read as one column reference).
        if case .column = left { return nil }
        if isSymbol(.period), !isSymbol(.star, at: 1) {
            advance()
            let field = try parseIdentifierAfterPeriod("a field name")
            return .fieldAccess(FieldAccess(base: left, field: field, arrow: false, span: span(from: start)))
        }
        return nil
    }
}
