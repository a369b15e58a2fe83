import RivuletCore

/// `input MATCH_RECOGNIZE ( ... ) [[AS] alias]`, Flink's row pattern recognition.
extension Parser {
    /// Called with `MATCH_RECOGNIZE` as the current token, after the input it reads.
    mutating func parseMatchRecognize(input: TableReference) throws(SQLError) -> TableReference {
        let start = input.span.start
        advance()  // MATCH_RECOGNIZE
        try expectSymbol(.leftParen, "after MATCH_RECOGNIZE")
        var partitionBy: [Expr] = []
        if consumeWords("PARTITION", "BY") {
            partitionBy = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
        }
        try expectWord("ORDER", "in MATCH_RECOGNIZE (it needs ORDER BY an event-time column)")
        try expectWord("BY", "after ORDER")
        let orderBy = try parseOrderByItems()
        var measures: [MatchRecognize.Measure] = []
        if consumeWord("MEASURES") {
            measures = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in
                let expr = try p.parseExpr()
                try p.expectWord("AS", "after a measure (MEASURES expr AS name)")
                return MatchRecognize.Measure(expr: expr, name: try p.parseIdentifier("a measure name", "after AS"))
            }
        }
        var rowsPerMatch: MatchRecognize.RowsPerMatch?
        let rowsPerMatchStart = current.span.start
        if consumeWord("ONE") {
            try expectWord("ROW", "after ONE")
            try expectWord("PER", "after ONE ROW")
            try expectWord("MATCH", "after ONE ROW PER")
            rowsPerMatch = .one
        } else if consumeWord("ALL") {
            try expectWord("ROWS", "after ALL")
            try expectWord("PER", "after ALL ROWS")
            try expectWord("MATCH", "after ALL ROWS PER")
            rowsPerMatch = .all
        }
        let rowsPerMatchEnd = previousEnd
        var afterMatch: MatchRecognize.AfterMatchSkip?
        if consumeWord("AFTER") {
            try expectWord("MATCH", "after AFTER")
            try expectWord("SKIP", "after AFTER MATCH")
            if consumeWord("PAST") {
                try expectWord("LAST", "after SKIP PAST")
                try expectWord("ROW", "after SKIP PAST LAST")
                afterMatch = .pastLastRow
            } else if consumeWord("TO") {
                if consumeWord("NEXT") {
                    try expectWord("ROW", "after SKIP TO NEXT")
                    afterMatch = .toNextRow
                } else if consumeWord("FIRST") {
                    afterMatch = .toFirst(try parseIdentifier("a pattern variable", "after SKIP TO FIRST"))
                } else if consumeWord("LAST") {
                    afterMatch = .toLast(try parseIdentifier("a pattern variable", "after SKIP TO LAST"))
                } else {
                    throw expected("NEXT ROW, FIRST or LAST", "after SKIP TO")
                }
            } else {
                throw expected("PAST LAST ROW or TO", "after AFTER MATCH SKIP")
            }
        }
        try expectWord("PATTERN", "in MATCH_RECOGNIZE")
        try expectSymbol(.leftParen, "after PATTERN")
        let pattern = try parseRowPattern()
        try expectSymbol(.rightParen, "after the pattern")
        var within: Expr?
        if consumeWord("WITHIN") { within = try parseExpr() }
        var definitions: [MatchRecognize.Definition] = []
        if consumeWord("DEFINE") {
            definitions = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in
                let name = try p.parseIdentifier("a pattern variable", "in DEFINE")
                try p.expectWord("AS", "after a pattern variable in DEFINE")
                return MatchRecognize.Definition(name: name, condition: try p.parseExpr())
            }
        }
        try expectSymbol(.rightParen, "to close MATCH_RECOGNIZE")
        var node = MatchRecognize(
            input: input, partitionBy: partitionBy, orderBy: orderBy, measures: measures, rowsPerMatch: rowsPerMatch,
            afterMatch: afterMatch, pattern: pattern, within: within, definitions: definitions)
        if rowsPerMatch != nil { node.rowsPerMatchSpan = SourceSpan(start: rowsPerMatchStart, end: rowsPerMatchEnd) }
        node.alias = try parseAlias(clauseKeywords: Parser.tableFollowers)
        node.span = span(from: start)
        return .matchRecognize(node)
    }

    /// `term ( '|' term )*`
    private mutating func parseRowPattern() throws(SQLError) -> RowPattern {
        try enter()
        defer { leave() }
        let start = current.span.start
        var alternatives = [try parsePatternSequence()]
        while consumeSymbol(.bar) { alternatives.append(try parsePatternSequence()) }
        if alternatives.count == 1 { return alternatives[0] }
        return .alternation(alternatives, IgnoredSpan(wrappedValue: span(from: start)))
    }

    /// `primary quantifier? ...` up to `|` or `)`.
    private mutating func parsePatternSequence() throws(SQLError) -> RowPattern {
        var parts: [RowPattern] = []
        while !atEnd, !isSymbol(.rightParen), !isSymbol(.bar), !isSymbol(.comma) {
            parts.append(try parsePatternPrimary())
        }
        if parts.isEmpty { throw expected("a pattern variable") }
        return parts.count == 1 ? parts[0] : .sequence(parts)
    }

    private mutating func parsePatternPrimary() throws(SQLError) -> RowPattern {
        let start = current.span.start
        if isWord("PERMUTE"), isSymbol(.leftParen, at: 1) {
            advance()
            advance()
            let parts = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseRowPattern() }
            try expectSymbol(.rightParen, "after PERMUTE's variables")
            return .permute(parts, IgnoredSpan(wrappedValue: span(from: start)))
        }
        if consumeSymbol(.leftParen) {
            let inner = try parseRowPattern()
            try expectSymbol(.rightParen, "to close the pattern group")
            let quantifier = try parsePatternQuantifier()
            return .group(inner, quantifier, IgnoredSpan(wrappedValue: span(from: start)))
        }
        guard atIdentifier else { throw expected("a pattern variable") }
        let name = try parseIdentifier("a pattern variable")
        return .variable(name, try parsePatternQuantifier())
    }

    private mutating func parsePatternQuantifier() throws(SQLError) -> PatternQuantifier? {
        let start = current.span.start
        var quantifier: PatternQuantifier
        if consumeSymbol(.star) {
            quantifier = PatternQuantifier(min: 0, max: nil)
        } else if consumeSymbol(.plus) {
            quantifier = PatternQuantifier(min: 1, max: nil)
        } else if consumeSymbol(.question) {
            quantifier = PatternQuantifier(min: 0, max: 1)
        } else if consumeSymbol(.leftBrace) {
            let low = try parseQuantifierBound()
            var high = low
            if consumeSymbol(.comma) { high = isSymbol(.rightBrace) ? nil : try parseQuantifierBound() }
            try expectSymbol(.rightBrace, "to close the quantifier")
            guard low != nil || high != nil else { throw SQLError.syntax("a quantifier needs a bound", at: span(from: start)) }
            if let low, let high, low > high {
                throw SQLError.syntax("the quantifier's lower bound exceeds its upper bound", at: span(from: start))
            }
            quantifier = PatternQuantifier(min: low ?? 0, max: high)
        } else {
            return nil
        }
        quantifier.reluctant = consumeSymbol(.question)
        quantifier.span = span(from: start)
        return quantifier
    }

    private mutating func parseQuantifierBound() throws(SQLError) -> Int? {
        guard case .number(let digits) = current.kind else {
            if isSymbol(.comma) { return nil }
            throw expected("a number", "in the quantifier")
        }
        guard let value = Int(digits) else { throw expected("a whole number", "in the quantifier") }
        advance()
        return value
    }
}
