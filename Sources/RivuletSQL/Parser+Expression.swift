import RivuletCore

/// Expressions by precedence climbing: `parseExpr(above: p)` parses an operand, then keeps
/// applying infix and postfix operators whose precedence is greater than `p`.
/// Levels (see `Precedence`): OR < AND < NOT < comparison, IS, LIKE, IN, BETWEEN < `||` `+` `-`
/// < `*` `/` `%` < unary sign < the `::` cast.
extension Parser {
    mutating func parseExpr(above minimum: Int = Precedence.lowest) throws(SQLError) -> Expr {
        try enter()
        let chained = chain
        defer {
            leave()
            chain = chained
        }
        var left = try parsePrefix()
        while true {
            let at = current.span
            guard let next = try parseInfix(left, above: minimum) else { return left }
            left = next
            chain += 1
            if chain > Parser.maxOperatorChain {
                throw SQLError(
                    .statementTooComplex, "statement too complex: more than \(Parser.maxOperatorChain) operators chained in one expression",
                    at: at, hint: "split the expression, or use IN (...) for a long list of alternatives")
            }
        }
    }

    /// Applies one infix/postfix operator to `left` if the next token is one binding tighter than
    /// `minimum`; nil otherwise.
    private mutating func parseInfix(_ left: Expr, above minimum: Int) throws(SQLError) -> Expr? {
        let start = left.span.start
        if let access = try parseNestedAccess(left) { return access }
        if consumeSymbol(.doubleColon) {
            // Postgres' `x::type` binds tighter than every other operator.
            if let lookup = try parseObjectIdentifierType() {
                return .function(FunctionCall(name: lookup, arguments: [left], span: span(from: start)))
            }
            let type = try parseDataType()
            return .cast(Cast(expr: left, type: type, span: span(from: start)))
        }
        if let op = binaryOperator(), op.precedence > minimum, op == .equal || op == .notEqual,
            isWord("ANY", at: 1) || isWord("SOME", at: 1) || isWord("ALL", at: 1), isSymbol(.leftParen, at: 2)
        {
            return try parseQuantifiedComparison(left, op)
        }
        // Postgres' `x OPERATOR(pg_catalog.~) y`, the operator named with its schema.
        let namedOperator = isWord("OPERATOR") && isSymbol(.leftParen, at: 1)
        if namedOperator || isSymbol(.tilde) || isSymbol(.notTilde), Precedence.comparison > minimum {
            let operatorSpan = current.span
            if namedOperator {
                advance()
                advance()
                if isWord("PG_CATALOG"), isSymbol(.period, at: 1) {
                    advance()
                    advance()
                }
                guard isSymbol(.tilde) || isSymbol(.notTilde), isSymbol(.rightParen, at: 1) else {
                    throw SQLError.unsupported("OPERATOR(...) of ~ and !~ only", at: current.span)
                }
            }
            let negated = isSymbol(.notTilde)
            advance()
            if namedOperator { advance() }
            let pattern = try parseExpr(above: Precedence.comparison)
            let match = Expr.function(
                FunctionCall(name: ObjectName([Identifier("REGEXP_LIKE", span: operatorSpan)]), arguments: [left, pattern],
                             span: span(from: start)))
            return negated ? .unary(UnaryExpression(op: .not, operand: match, span: span(from: start))) : match
        }
        if let op = binaryOperator(), op.precedence > minimum {
            advance()
            let right = try parseExpr(above: op.precedence)
            return .binary(BinaryExpression(left: left, op: op, right: right, span: span(from: start)))
        }
        if isWord("COLLATE"), Precedence.unary > minimum {
            return try parseCollate(left)
        }
        guard Precedence.comparison > minimum else { return nil }
        if isWord("IS") {
            advance()
            let negated = consumeWord("NOT")
            if consumeWord("DISTINCT") {
                try expectWord("FROM", negated ? "after IS NOT DISTINCT" : "after IS DISTINCT")
                let right = try parseExpr(above: Precedence.comparison)
                return .binary(BinaryExpression(
                    left: left, op: negated ? .isNotDistinctFrom : .isDistinctFrom, right: right, span: span(from: start)))
            }
            if consumeWord("JSON") {
                let kind = word().flatMap(IsJSON.Kind.init(rawValue:))
                if kind != nil { advance() }
                return .isJSON(IsJSON(expr: left, negated: negated, kind: kind, span: span(from: start)))
            }
            try expectWord("NULL", negated ? "after IS NOT" : "after IS")
            return .isNull(IsNull(expr: left, negated: negated, span: span(from: start)))
        }
        let negated = isWord("NOT") && (isWord("LIKE", at: 1) || isWord("IN", at: 1) || isWord("BETWEEN", at: 1))
        if negated { advance() }
        if consumeWord("LIKE") {
            let pattern = try parseExpr(above: Precedence.comparison)
            var escape: Expr?
            if consumeWord("ESCAPE") { escape = try parseExpr(above: Precedence.comparison) }
            return .like(Like(expr: left, negated: negated, pattern: pattern, escape: escape, span: span(from: start)))
        }
        if consumeWord("BETWEEN") {
            let low = try parseExpr(above: Precedence.comparison)
            try expectWord("AND", "in BETWEEN")
            let high = try parseExpr(above: Precedence.comparison)
            return .between(Between(expr: left, negated: negated, low: low, high: high, span: span(from: start)))
        }
        if consumeWord("IN") {
            try expectSymbol(.leftParen, "after IN")
            if startsQuery() {
                let query = try parseQuery()
                try expectSymbol(.rightParen, "after subquery")
                return .inSubquery(InSubquery(expr: left, negated: negated, query: query, span: span(from: start)))
            }
            let list = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
            try expectSymbol(.rightParen, "after IN list")
            return .inList(InList(expr: left, negated: negated, list: list, span: span(from: start)))
        }
        return nil
    }

    /// `x COLLATE name`: Rivulet compares text by its code points, which is Postgres's `C`
    /// collation, and clients name the default one (psql's `COLLATE pg_catalog.default`); those
    /// are accepted and change nothing, any other is not supported.
    private mutating func parseCollate(_ left: Expr) throws(SQLError) -> Expr {
        let start = current.span
        advance()
        if isWord("PG_CATALOG"), isSymbol(.period, at: 1) {
            advance()
            advance()
        }
        let name: String
        switch current.kind {
        case .word(let word): name = word.lowercased()
        case .quotedIdentifier(let quoted): name = quoted
        default: throw SQLError(.syntaxError, "expected a collation name after COLLATE, found \(current.displayName)", at: current.span)
        }
        guard ["default", "C", "c", "POSIX", "posix"].contains(name) else {
            throw SQLError.unsupported("COLLATE \(name): text compares by code point (the \"C\" collation)", at: span(from: start.start))
        }
        advance()
        return left
    }

    /// `x = ANY (ARRAY[a, b])` (`x IN (a, b)`) and `x <> ALL (ARRAY[a, b])` (`x NOT IN (a, b)`),
    /// the current token being the operator.
    private mutating func parseQuantifiedComparison(_ left: Expr, _ op: BinaryOperator) throws(SQLError) -> Expr {
        let start = left.span.start
        advance()
        let quantifier = current
        advance()
        guard (op == .equal) == (quantifier.kind != .word("ALL")) else {
            throw SQLError.unsupported("only = ANY (...) and <> ALL (...) are supported", at: quantifier.span)
        }
        try expectSymbol(.leftParen, "after \(quantifier.text)")
        var list: [Expr]
        if consumeWord("ARRAY") {
            try expectSymbol(.leftBracket, "after ARRAY")
            list = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
            try expectSymbol(.rightBracket, "after the ARRAY elements")
        } else if case .string(let text) = current.kind {
            // An array in its text form, `'{a,b}'`, as drivers send array parameters.
            let token = current
            advance()
            guard let elements = PostgresArrayLiteral.elements(of: text) else {
                throw SQLError(SQLState("22P02"), "malformed array literal: \"\(text)\"", at: token.span)
            }
            list = elements.map { .literal(Literal(.string($0), span: token.span)) }
        } else if case .parameter(let index) = current.kind {
            // Typed like one element while a prepared statement is described; its value is an array's text form.
            list = [.parameter(Parameter(index: index, span: current.span))]
            advance()
        } else if !startsQuery() {
            // Any other array, `oid = ANY (pol.polroles)`: whether it holds the value.
            let array = try parseExpr()
            try expectSymbol(.rightParen, "after the array")
            let contains = Expr.function(FunctionCall(
                name: ObjectName([Identifier("array_contains", span: quantifier.span)]), arguments: [array, left],
                span: span(from: start)))
            guard op == .notEqual else { return contains }
            return .unary(UnaryExpression(op: .not, operand: contains, span: span(from: start)))
        } else {
            throw expected("ARRAY[...] or an array", "in \(quantifier.text) (...)")
        }
        try expectSymbol(.rightParen, "after the array")
        return .inList(InList(expr: left, negated: op == .notEqual, list: list, span: span(from: start)))
    }

    /// Postgres' object identifier types (`regclass`, `regtype`, ...) after `::` or `AS`: a
    /// cast to one is a look-up by name, the function of the same name.
    mutating func parseObjectIdentifierType() throws(SQLError) -> ObjectName? {
        let names: Set<String> = ["REGCLASS", "REGTYPE", "REGPROC", "REGPROCEDURE", "REGNAMESPACE", "REGROLE"]
        // With its schema, `pg_catalog.regtype`, as psql writes it.
        let qualified = isWord("PG_CATALOG") && isSymbol(.period, at: 1)
        guard case .word(let word) = peek(qualified ? 2 : 0).kind, names.contains(word) else { return nil }
        if qualified {
            advance()
            advance()
        }
        let token = current
        advance()
        // `regtype[]`, an array of them: Postgres' own name for that type is `_regtype`.
        if word == "REGTYPE", isSymbol(.leftBracket), isSymbol(.rightBracket, at: 1) {
            advance()
            advance()
            return ObjectName([Identifier("_regtype", span: token.span)])
        }
        return ObjectName([Identifier(word.lowercased(), span: token.span)])
    }

    private func binaryOperator() -> BinaryOperator? {
        switch current.kind {
        case .symbol(let s):
            switch s {
            case .equal: return .equal
            case .notEqual, .bangEqual: return .notEqual
            case .less: return .less
            case .lessOrEqual: return .lessOrEqual
            case .greater: return .greater
            case .greaterOrEqual: return .greaterOrEqual
            case .plus: return .plus
            case .minus: return .minus
            case .star: return .multiply
            case .slash: return .divide
            case .percent: return .modulo
            case .concat: return .concat
            default: return nil
            }
        case .word("AND"): return .and
        case .word("OR"): return .or
        default: return nil
        }
    }

    /// Whether a query starts here (`SELECT`, `WITH`, `VALUES`, or `(` opening one).
    func startsQuery(at ahead: Int = 0) -> Bool {
        var i = ahead
        while isSymbol(.leftParen, at: i) { i += 1 }
        return isWord("SELECT", at: i) || isWord("WITH", at: i) || isWord("VALUES", at: i)
    }

    // MARK: - Operands

    private mutating func parsePrefix() throws(SQLError) -> Expr {
        let token = current
        let start = token.span.start
        switch token.kind {
        case .number(let digits):
            advance()
            return .literal(Literal(.number(digits), span: token.span))
        case .string(let text):
            advance()
            return .literal(Literal(.string(text), span: token.span))
        case .parameter(let index):
            advance()
            return .parameter(Parameter(index: index, span: token.span))
        case .symbol(.minus), .symbol(.plus):
            advance()
            let operand = try parseExpr(above: Precedence.multiplicative)
            let op: UnaryOperator = token.kind == .symbol(.minus) ? .minus : .plus
            return .unary(UnaryExpression(op: op, operand: operand, span: span(from: start)))
        case .symbol(.leftParen):
            advance()
            if startsQuery() {
                let query = try parseQuery()
                try expectSymbol(.rightParen, "after subquery")
                return .scalarSubquery(ScalarSubquery(query: query, span: span(from: start)))
            }
            let inner = try parseExpr()
            try expectSymbol(.rightParen, "to close '('")
            // `(r).field`: the parentheses end the name, so `.field` is a field of its value.
            if case .column = inner, isSymbol(.period), !isSymbol(.star, at: 1) {
                advance()
                let field = try parseIdentifierAfterPeriod("a field name")
                return .fieldAccess(FieldAccess(base: inner, field: field, arrow: false, span: span(from: start)))
            }
            return inner
        case .quotedIdentifier:
            return try parseNameOrCall()
        case .word(let word):
            if let special = try parseKeywordExpression(word, token) { return special }
            if Keywords.reserved.contains(word), !(Parser.callableReserved.contains(word) && isSymbol(.leftParen, at: 1)) {
                throw expected("an expression")
            }
            return try parseNameOrCall()
        default:
            throw expected("an expression")
        }
    }

    /// Reserved words that are still ordinary functions when called: `LEFT(s, 3)`.
    static let callableReserved: Set<String> = ["LEFT", "RIGHT"]

    /// Expressions introduced by a keyword: literals, `NOT`, `CASE`, `CAST`, `EXTRACT`, ...
    private mutating func parseKeywordExpression(_ word: String, _ token: Token) throws(SQLError) -> Expr? {
        let start = token.span.start
        let call = isSymbol(.leftParen, at: 1)
        if let constructor = try parseNestedConstructor(word) { return constructor }
        switch word {
        case "TRUE", "FALSE":
            advance()
            return .literal(Literal(.boolean(word == "TRUE"), span: token.span))
        case "NULL":
            advance()
            return .literal(Literal(.null, span: token.span))
        case "NOT":
            advance()
            let operand = try parseExpr(above: Precedence.and)
            return .unary(UnaryExpression(op: .not, operand: operand, span: span(from: start)))
        case "EXISTS":
            advance()
            try expectSymbol(.leftParen, "after EXISTS")
            let query = try parseQuery()
            try expectSymbol(.rightParen, "after subquery")
            return .exists(Exists(query: query, span: span(from: start)))
        case "INTERVAL":
            return try parseIntervalLiteral()
        case "TIMESTAMP", "DATE", "TIME":
            guard case .string(let text) = peek().kind else { return nil }
            advance()
            advance()
            let value: LiteralValue = word == "TIMESTAMP" ? .timestamp(text) : word == "DATE" ? .date(text) : .time(text)
            return .literal(Literal(value, span: span(from: start)))
        case "CASE":
            return try parseCase()
        case "CAST" where call, "TRY_CAST" where call:
            return try parseCast()
        case "EXTRACT" where call:
            return try parseExtract()
        case "SUBSTRING" where call:
            return try parseSubstring()
        case "TRIM" where call:
            return try parseTrim()
        case "OVERLAY" where call:
            return try parseOverlay()
        case "POSITION" where call:
            return try parsePosition()
        case "FLOOR" where call, "CEIL" where call, "CEILING" where call:
            return try parseFloorOrCeil()
        case _ where call && JSONClauses.functions.contains(word):
            return try parseJSONFunction()
        case "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME":
            advance()
            guard let kind = CurrentDateTime.Kind(rawValue: word) else { return nil }
            return .currentDateTime(CurrentDateTime(kind: kind, span: token.span))
        default:
            return nil
        }
    }

    /// `a`, `t.a`, `f(...)`, `db.f(...)`
    private mutating func parseNameOrCall() throws(SQLError) -> Expr {
        var parts = [try parseNameToken()]
        while isSymbol(.period) {
            advance()
            parts.append(try parseIdentifierAfterPeriod("a column name"))
        }
        if isSymbol(.leftParen) {
            return .function(try parseFunctionCall(ObjectName(parts)))
        }
        return .column(ColumnReference(parts))
    }

    /// A name in expression position: any quoted identifier or word (reserved words were
    /// filtered by the caller).
    private mutating func parseNameToken() throws(SQLError) -> Identifier {
        let token = current
        switch token.kind {
        case .quotedIdentifier(let name):
            advance()
            return Identifier(name, quoted: true, span: token.span)
        case .word:
            advance()
            return Identifier(token.text, quoted: false, span: token.span)
        default:
            throw expected("an expression")
        }
    }

    /// `(args [ORDER BY ...]) [FILTER (WHERE cond)] [OVER (window)]` after a function name.
    private mutating func parseFunctionCall(_ name: ObjectName) throws(SQLError) -> FunctionCall {
        let start = name.span.start
        let what = "after arguments of \(name.name.value)"
        try expectSymbol(.leftParen)
        var call = FunctionCall(name: name)
        if consumeSymbol(.star) {
            call.isStar = true
            try expectSymbol(.rightParen, "after '*'")
        } else if !consumeSymbol(.rightParen) {
            if consumeWord("DISTINCT") {
                call.distinct = true
            } else {
                _ = consumeWord("ALL")
            }
            call.arguments = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
            if consumeWords("ORDER", "BY") { call.orderBy = try parseOrderByItems() }
            try expectSymbol(.rightParen, what)
        }
        if isWord("FILTER"), isSymbol(.leftParen, at: 1) {
            advance()
            advance()
            try expectWord("WHERE", "in FILTER (...)")
            call.filter = try parseExpr()
            try expectSymbol(.rightParen, "after FILTER condition")
        }
        if isWord("OVER") {
            advance()
            if isSymbol(.leftParen) {
                call.over = try parseWindowSpecification()
            } else {
                let name = try parseIdentifier("a window name or (")
                call.over = WindowSpecification(name: name, span: name.span)
            }
        }
        call.span = span(from: start)
        return call
    }

    /// `(PARTITION BY ... ORDER BY ... [ROWS|RANGE ...])`
    mutating func parseWindowSpecification() throws(SQLError) -> WindowSpecification {
        let start = current.span.start
        try expectSymbol(.leftParen, "after OVER")
        var spec = WindowSpecification()
        if consumeWords("PARTITION", "BY") {
            spec.partitionBy = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
        }
        if consumeWords("ORDER", "BY") {
            spec.orderBy = try parseOrderByItems()
        }
        if let units = word().flatMap(WindowFrame.Units.init(rawValue:)) {
            advance()
            if consumeWord("BETWEEN") {
                let lower = try parseFrameBound()
                try expectWord("AND", "between frame bounds")
                let upper = try parseFrameBound()
                spec.frame = WindowFrame(units: units, start: lower, end: upper)
            } else {
                spec.frame = WindowFrame(units: units, start: try parseFrameBound())
            }
        }
        try expectSymbol(.rightParen, "to close OVER (...)")
        spec.span = span(from: start)
        return spec
    }

    private mutating func parseFrameBound() throws(SQLError) -> FrameBound {
        if consumeWords("UNBOUNDED", "PRECEDING") { return .unboundedPreceding }
        if consumeWords("UNBOUNDED", "FOLLOWING") { return .unboundedFollowing }
        if consumeWords("CURRENT", "ROW") { return .currentRow }
        switch current.kind {
        case .number: break
        case _ where isWord("INTERVAL"): break
        default: throw expected("UNBOUNDED, CURRENT ROW or an offset", "in window frame")
        }
        let offset = try parseExpr(above: Precedence.comparison)
        if consumeWord("PRECEDING") { return .preceding(offset) }
        if consumeWord("FOLLOWING") { return .following(offset) }
        throw expected("PRECEDING or FOLLOWING", "after frame offset")
    }

    /// `expr [ASC|DESC] [NULLS FIRST|LAST], ...`
    mutating func parseOrderByItems() throws(SQLError) -> [OrderByItem] {
        try parseCommaSeparated { (p: inout Parser) throws(SQLError) in
            let expr = try p.parseExpr()
            var item = OrderByItem(expr: expr)
            if p.consumeWord("ASC") { item.ascending = true } else if p.consumeWord("DESC") { item.ascending = false }
            if p.consumeWord("NULLS") {
                if p.consumeWord("FIRST") { item.nullsFirst = true }
                else if p.consumeWord("LAST") { item.nullsFirst = false }
                else { throw p.expected("FIRST or LAST", "after NULLS") }
            }
            item.span = p.span(from: expr.span.start)
            return item
        }
    }

    // MARK: - Literals

    /// `INTERVAL '10' SECOND`, `INTERVAL '1:30' MINUTE TO SECOND`, `INTERVAL -'2' HOUR`.
    private mutating func parseIntervalLiteral() throws(SQLError) -> Expr {
        let start = current.span.start
        advance()
        var negative = false
        if consumeSymbol(.minus) { negative = true }
        let value: String
        switch current.kind {
        case .string(let text):
            value = text
        case .number(let digits):
            // `INTERVAL 10 SECOND` is common enough to accept.
            value = digits
        default:
            throw expected("a quoted interval value like '10'", "after INTERVAL")
        }
        advance()
        let unit = try parseIntervalUnit("after the interval value")
        var toUnit: DateTimeField?
        if consumeWord("TO") {
            toUnit = try parseIntervalUnit("after TO")
        }
        let literal = IntervalLiteral(value: negative ? "-" + value : value, unit: unit, toUnit: toUnit)
        return .literal(Literal(.interval(literal), span: span(from: start)))
    }

    private mutating func parseIntervalUnit(_ context: String) throws(SQLError) -> DateTimeField {
        guard var word = word() else { throw expected("an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)", context) }
        if word.hasSuffix("S"), DateTimeField(rawValue: String(word.dropLast()))?.isIntervalUnit == true {
            word.removeLast()
        }
        guard let unit = DateTimeField(rawValue: word), unit.isIntervalUnit else {
            throw expected("an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)", context)
        }
        advance()
        // Flink allows a precision, `SECOND(3)`; it does not change the value.
        if isSymbol(.leftParen), case .number = peek().kind, isSymbol(.rightParen, at: 2) {
            advance()
            advance()
            advance()
        }
        return unit
    }
}
