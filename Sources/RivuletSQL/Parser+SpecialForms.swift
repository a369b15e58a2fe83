import RivuletCore

/// Expressions with their own syntax inside the parentheses: `CASE`, `CAST`, `EXTRACT`,
/// `SUBSTRING`, `TRIM`, `OVERLAY`, `POSITION`, `FLOOR|CEIL(x TO unit)`.
extension Parser {
    /// `CASE [operand] WHEN c THEN r ... [ELSE e] END`
    mutating func parseCase() throws(SQLError) -> Expr {
        let start = current.span.start
        advance()
        var expression = CaseExpression(branches: [])
        if !isWord("WHEN") {
            expression.operand = try parseExpr()
        }
        while consumeWord("WHEN") {
            let condition = try parseExpr()
            try expectWord("THEN", "after WHEN condition")
            let result = try parseExpr()
            expression.branches.append(WhenClause(condition: condition, result: result))
        }
        if expression.branches.isEmpty { throw expected("WHEN", "in CASE") }
        if consumeWord("ELSE") {
            expression.elseResult = try parseExpr()
        }
        try expectWord("END", expression.elseResult == nil ? "or ELSE to finish CASE" : "to finish CASE")
        expression.span = span(from: start)
        return .caseWhen(expression)
    }

    /// `CAST(x AS type)`, `TRY_CAST(x AS type)`
    mutating func parseCast() throws(SQLError) -> Expr {
        let start = current.span.start
        let isTry = advance().kind == .word("TRY_CAST")
        try expectSymbol(.leftParen)
        let expr = try parseExpr()
        try expectWord("AS", "in CAST")
        if !isTry, let lookup = try parseObjectIdentifierType() {
            try expectSymbol(.rightParen, "after CAST type")
            return .function(FunctionCall(name: lookup, arguments: [expr], span: span(from: start)))
        }
        let type = try parseDataType()
        try expectSymbol(.rightParen, "after CAST type")
        return .cast(Cast(expr: expr, type: type, isTry: isTry, span: span(from: start)))
    }

    /// `EXTRACT(field FROM x)`
    mutating func parseExtract() throws(SQLError) -> Expr {
        let start = current.span.start
        advance()
        try expectSymbol(.leftParen)
        let fieldNames = "YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, DOW, DOY or EPOCH"
        guard let word = word() else { throw expected("a date-time field (\(fieldNames))", "in EXTRACT") }
        let aliases = ["DAYOFWEEK": "DOW", "DAYOFYEAR": "DOY", "DAYOFMONTH": "DAY"]
        guard let field = DateTimeField(rawValue: aliases[word] ?? word) else {
            throw expected("a date-time field (\(fieldNames))", "in EXTRACT")
        }
        advance()
        try expectWord("FROM", "after EXTRACT field")
        let expr = try parseExpr()
        try expectSymbol(.rightParen, "after EXTRACT argument")
        return .extract(Extract(field: field, expr: expr, span: span(from: start)))
    }

    /// `SUBSTRING(s FROM start [FOR length])` or `SUBSTRING(s, start [, length])`
    mutating func parseSubstring() throws(SQLError) -> Expr {
        let start = current.span.start
        advance()
        try expectSymbol(.leftParen)
        let expr = try parseExpr()
        let from: Expr
        var length: Expr?
        if consumeWord("FROM") {
            from = try parseExpr()
            if consumeWord("FOR") { length = try parseExpr() }
        } else {
            try expectSymbol(.comma, "or FROM in SUBSTRING")
            from = try parseExpr()
            if consumeSymbol(.comma) { length = try parseExpr() }
        }
        try expectSymbol(.rightParen, "after SUBSTRING arguments")
        return .substring(SubstringCall(expr: expr, start: from, length: length, span: span(from: start)))
    }

    /// `TRIM([BOTH|LEADING|TRAILING] [chars] FROM s)` or `TRIM(s)`
    mutating func parseTrim() throws(SQLError) -> Expr {
        let start = current.span.start
        advance()
        try expectSymbol(.leftParen)
        var trim = Trim(expr: .literal(Literal(.null)))
        if let side = word().flatMap(Trim.Side.init(rawValue:)) {
            advance()
            trim.side = side
            if consumeWord("FROM") {
                trim.expr = try parseExpr()
            } else {
                trim.characters = try parseExpr()
                try expectWord("FROM", "in TRIM")
                trim.expr = try parseExpr()
            }
        } else {
            let first = try parseExpr()
            if consumeWord("FROM") {
                trim.characters = first
                trim.expr = try parseExpr()
            } else {
                trim.expr = first
            }
        }
        try expectSymbol(.rightParen, "after TRIM arguments")
        trim.span = span(from: start)
        return .trim(trim)
    }

    /// `OVERLAY(s PLACING r FROM start [FOR length])`
    mutating func parseOverlay() throws(SQLError) -> Expr {
        let start = current.span.start
        advance()
        try expectSymbol(.leftParen)
        var arguments = [try parseExpr()]
        var keywords = ["PLACING", "FROM"]
        try expectWord("PLACING", "in OVERLAY")
        arguments.append(try parseExpr())
        try expectWord("FROM", "in OVERLAY")
        arguments.append(try parseExpr())
        if consumeWord("FOR") {
            keywords.append("FOR")
            arguments.append(try parseExpr())
        }
        try expectSymbol(.rightParen, "after OVERLAY arguments")
        return .keywordCall(KeywordCall(name: "OVERLAY", arguments: arguments, keywords: keywords, span: span(from: start)))
    }

    /// `POSITION(needle IN haystack)`
    mutating func parsePosition() throws(SQLError) -> Expr {
        let start = current.span.start
        advance()
        try expectSymbol(.leftParen)
        // Above comparisons, so that IN is left for this call.
        let needle = try parseExpr(above: Precedence.comparison)
        try expectWord("IN", "in POSITION")
        let haystack = try parseExpr()
        try expectSymbol(.rightParen, "after POSITION arguments")
        return .keywordCall(KeywordCall(name: "POSITION", arguments: [needle, haystack], keywords: ["IN"], span: span(from: start)))
    }

    /// `FLOOR(x TO unit)` and `CEIL(x TO unit)`; without TO, the ordinary `FLOOR(x, ...)`.
    mutating func parseFloorOrCeil() throws(SQLError) -> Expr {
        let start = current.span.start
        let nameToken = advance()
        try expectSymbol(.leftParen)
        var arguments = [try parseExpr()]
        if consumeWord("TO") {
            let units = "YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND or MILLISECOND"
            guard let unit = word().flatMap(DateTimeField.init(rawValue:)), unit.isTimeUnit else {
                throw expected("a time unit (\(units))", "after TO")
            }
            advance()
            try expectSymbol(.rightParen, "after the time unit")
            let name = nameToken.text.uppercased() == "FLOOR" ? "FLOOR" : "CEIL"
            return .keywordCall(KeywordCall(name: name, arguments: arguments, unit: unit, span: span(from: start)))
        }
        while consumeSymbol(.comma) { arguments.append(try parseExpr()) }
        try expectSymbol(.rightParen, "after arguments of \(nameToken.text)")
        let name = ObjectName([Identifier(nameToken.text, quoted: false, span: nameToken.span)])
        return .function(FunctionCall(name: name, arguments: arguments, span: span(from: start)))
    }
}
