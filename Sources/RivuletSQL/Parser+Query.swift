import RivuletCore

/// Queries: `WITH`, `SELECT`, set operations, `ORDER BY`, `LIMIT`, `EMIT`.
extension Parser {
    /// `[WITH ...] body [ORDER BY ...] [EMIT CHANGES|FINAL] [LIMIT n]` (EMIT and LIMIT in either order).
    mutating func parseQuery() throws(SQLError) -> Query {
        try enter()
        defer { leave() }
        let start = current.span.start
        var ctes: [CommonTableExpression] = []
        if consumeWord("WITH") {
            ctes = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseCommonTableExpression() }
        }
        let body = try parseSetExpr()
        var query = Query(with: ctes, body: body)
        if consumeWords("ORDER", "BY") {
            query.orderBy = try parseOrderByItems()
        }
        for _ in 0..<2 {
            if query.emit == nil, consumeWord("EMIT") {
                if consumeWord("CHANGES") { query.emit = .changes }
                else if consumeWord("FINAL") { query.emit = .final }
                else { throw expected("CHANGES or FINAL", "after EMIT") }
            }
            if query.limit == nil, consumeWord("LIMIT") {
                query.limit = try parseExpr()
            }
        }
        query.span = span(from: start)
        return query
    }

    private mutating func parseCommonTableExpression() throws(SQLError) -> CommonTableExpression {
        let start = current.span.start
        let name = try parseIdentifier("a name for the WITH query")
        var columns: [Identifier] = []
        if isSymbol(.leftParen) {
            columns = try parseParenthesizedIdentifiers("a column name", "after WITH query name")
        }
        try expectWord("AS", "after WITH query name")
        try expectSymbol(.leftParen, "after AS")
        let query = try parseQuery()
        try expectSymbol(.rightParen, "after WITH query")
        return CommonTableExpression(name: name, columns: columns, query: query, span: span(from: start))
    }

    /// `term (UNION|INTERSECT|EXCEPT [ALL|DISTINCT] term)*`, left-associative.
    private mutating func parseSetExpr() throws(SQLError) -> SetExpr {
        var left = try parseSetTerm()
        while let op = word().flatMap(SetOperation.Operator.init(rawValue:)) {
            advance()
            let all = consumeWord("ALL")
            if !all { _ = consumeWord("DISTINCT") }
            let right = try parseSetTerm()
            left = .setOperation(SetOperation(left: left, op: op, all: all, right: right, span: left.span.union(right.span)))
        }
        return left
    }

    private mutating func parseSetTerm() throws(SQLError) -> SetExpr {
        if isWord("SELECT") {
            return .select(try parseSelect())
        }
        if isWord("VALUES") {
            let start = current.span.start
            advance()
            let rows = try parseValuesRows()
            return .values(Values(rows: rows, span: span(from: start)))
        }
        if isSymbol(.leftParen) {
            let start = current.span.start
            advance()
            var inner = try parseQuery()
            try expectSymbol(.rightParen, "after query")
            inner.span = span(from: start)
            return .query(inner)
        }
        throw expected("SELECT or VALUES")
    }

    /// The rows after `VALUES`: `(a, b), (c, d)`, or single values without parentheses, `1, 2`.
    mutating func parseValuesRows() throws(SQLError) -> [[Expr]] {
        try parseCommaSeparated { (p: inout Parser) throws(SQLError) -> [Expr] in
            guard p.consumeSymbol(.leftParen) else { return [try p.parseExpr()] }
            let row = try p.parseCommaSeparated { (q: inout Parser) throws(SQLError) in try q.parseExpr() }
            try p.expectSymbol(.rightParen, "after a row of VALUES")
            return row
        }
    }

    /// `SELECT [DISTINCT] items [FROM ...] [WINDOW ...] [WHERE ...] [GROUP BY ...] [HAVING ...] [PARTITION BY ...]`
    mutating func parseSelect() throws(SQLError) -> Select {
        let start = current.span.start
        try expectWord("SELECT")
        var select = Select(items: [])
        if consumeWord("DISTINCT") {
            select.distinct = true
        } else {
            _ = consumeWord("ALL")
        }
        select.items = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseSelectItem() }
        if consumeWord("FROM") {
            select.from = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseTableReference() }
        }
        try parseKsqlWindowIfPresent(into: &select)
        if consumeWord("WHERE") {
            select.whereClause = try parseExpr()
        }
        try parseKsqlWindowIfPresent(into: &select)
        if consumeWords("GROUP", "BY") {
            try parseGroupBy(into: &select)
        }
        try parseKsqlWindowIfPresent(into: &select)
        if consumeWord("HAVING") {
            select.having = try parseExpr()
        }
        if isWord("WINDOW"), isWord("AS", at: 2) {
            advance()
            select.namedWindows = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in
                let name = try p.parseIdentifier("a window name")
                try p.expectWord("AS", "after the window name")
                return NamedWindow(name: name, specification: try p.parseWindowSpecification())
            }
        }
        if consumeWords("PARTITION", "BY") {
            select.partitionBy = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
        }
        select.span = span(from: start)
        return select
    }

    /// `GROUP BY` elements: expressions, `GROUPING SETS (...)`, `ROLLUP (...)`, `CUBE (...)`, `()`.
    private mutating func parseGroupBy(into select: inout Select) throws(SQLError) {
        let elements = try parseCommaSeparated { (p: inout Parser) throws(SQLError) -> Either in
            if p.isWord("GROUPING"), p.isWord("SETS", at: 1) {
                p.advance()
                p.advance()
                try p.expectSymbol(.leftParen, "after GROUPING SETS")
                let sets = try p.parseCommaSeparated { (q: inout Parser) throws(SQLError) in try q.parseGroupingSet() }
                try p.expectSymbol(.rightParen, "to close GROUPING SETS (...)")
                return .sets(.sets(sets))
            }
            if p.isWord("ROLLUP") || p.isWord("CUBE"), p.isSymbol(.leftParen, at: 1) {
                let rollup = p.isWord("ROLLUP")
                p.advance()
                p.advance()
                let keys = try p.parseCommaSeparated { (q: inout Parser) throws(SQLError) in try q.parseExpr() }
                try p.expectSymbol(.rightParen, rollup ? "to close ROLLUP (...)" : "to close CUBE (...)")
                return .sets(rollup ? .rollup(keys) : .cube(keys))
            }
            if p.isSymbol(.leftParen), p.isSymbol(.rightParen, at: 1) {
                p.advance()
                p.advance()
                return .sets(.sets([[]]))
            }
            if p.isSymbol(.leftParen) {
                // `GROUP BY (a, b)`: one grouping set, the same as `GROUP BY a, b`; a
                // parenthesized expression otherwise.
                var list = p
                list.advance()
                let first = try list.parseExpr()
                if list.consumeSymbol(.comma) {
                    let rest = try list.parseCommaSeparated { (q: inout Parser) throws(SQLError) in try q.parseExpr() }
                    try list.expectSymbol(.rightParen, "to close a grouping set")
                    p = list
                    return .keys([first] + rest)
                }
            }
            return .keys([try p.parseExpr()])
        }
        for element in elements {
            switch element {
            case .keys(let exprs): select.groupBy += exprs
            case .sets(let sets): select.groupingSets.append(sets)
            }
        }
    }

    private enum Either {
        case keys([Expr])
        case sets(GroupingSets)
    }

    /// One set of `GROUPING SETS`: `(a, b)`, `()` or a lone expression.
    private mutating func parseGroupingSet() throws(SQLError) -> [Expr] {
        guard isSymbol(.leftParen) else { return [try parseExpr()] }
        advance()
        if consumeSymbol(.rightParen) { return [] }
        let keys = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
        try expectSymbol(.rightParen, "to close a grouping set")
        return keys
    }

    private mutating func parseKsqlWindowIfPresent(into select: inout Select) throws(SQLError) {
        // `WINDOW w AS (...)` is Flink's named OVER windows, read after HAVING.
        guard isWord("WINDOW"), !isWord("AS", at: 2) else { return }
        if select.window != nil {
            throw SQLError.syntax("a query can have only one WINDOW clause", at: current.span)
        }
        select.window = try parseKsqlWindow()
    }

    /// `*`, `t.*`, or `expr [[AS] alias]`
    private mutating func parseSelectItem() throws(SQLError) -> SelectItem {
        let start = current.span.start
        if isSymbol(.star) {
            advance()
            return .wildcard(Wildcard(span: span(from: start)))
        }
        if let qualifier = try parseQualifiedWildcardPrefix() {
            return .wildcard(Wildcard(qualifier: qualifier, span: span(from: start)))
        }
        if atEnd || isSymbol(.comma) || isWord("FROM") {
            throw expected("a select item", "after SELECT")
        }
        let expr = try parseExpr()
        if isSymbol(.thinArrow), isSymbol(.star, at: 1) {
            advance()
            advance()
            return .wildcard(Wildcard(fieldsOf: expr, span: span(from: start)))
        }
        let alias = try parseAlias(clauseKeywords: Parser.selectFollowers)
        return .expression(SelectExpression(expr: expr, alias: alias, span: span(from: start)))
    }

    /// `t.*` / `db.t.*`: consumes the qualifier and `.*` when they are next; nil (nothing consumed) otherwise.
    private mutating func parseQualifiedWildcardPrefix() throws(SQLError) -> ObjectName? {
        var i = 0
        while true {
            switch peek(i).kind {
            case .word, .quotedIdentifier: break
            default: return nil
            }
            guard isSymbol(.period, at: i + 1) else { return nil }
            if isSymbol(.star, at: i + 2) { break }
            i += 2
        }
        var parts: [Identifier] = []
        for _ in 0...(i / 2) {
            parts.append(try parseIdentifierAfterPeriod("a table name"))
            advance()  // the period
        }
        advance()  // the star
        return ObjectName(parts)
    }

    /// Words that may follow a select item; an implicit alias resembling one of them is taken
    /// for a misspelling (`SELECT a FORM t`).
    static let selectFollowers = ["FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "EMIT", "UNION"]
    static let tableFollowers = [
        "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "EMIT", "JOIN", "LEFT", "RIGHT", "FULL", "INNER",
        "CROSS", "ON", "WITHIN", "UNION", "PARTITION",
    ]

    /// `AS name`, or a bare name, or nothing.
    mutating func parseAlias(clauseKeywords: [String]) throws(SQLError) -> Identifier? {
        if consumeWord("AS") {
            return try parseIdentifier("an alias", "after AS")
        }
        guard atIdentifier else { return nil }
        if case .word(let word) = current.kind, let keyword = Keywords.suggestion(for: word, among: clauseKeywords) {
            // A bare alias that looks like a misspelt keyword and is followed by more text is
            // almost certainly the keyword: report it rather than a confusing error later.
            switch peek().kind {
            case .word(let next) where !Keywords.reserved.contains(next):
                var error = expected(keyword)
                error.hint = "did you mean \(keyword)?"
                throw error
            case .quotedIdentifier, .number, .string:
                var error = expected(keyword)
                error.hint = "did you mean \(keyword)?"
                throw error
            default: break
            }
        }
        return try parseIdentifier("an alias")
    }
}
