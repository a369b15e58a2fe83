import RivuletCore

/// `FROM` items: named tables, subqueries, window table functions and joins.
extension Parser {
    /// `primary (join)*`
    mutating func parseTableReference() throws(SQLError) -> TableReference {
        try enter()
        defer { leave() }
        var left = try parseTablePrimary()
        while let kind = try parseJoinKind() {
            let right = try parseTablePrimary()
            var within: JoinWithin?
            if isWord("WITHIN") { within = try parseJoinWithin() }
            var condition: Expr?
            var using: [Identifier] = []
            if kind != .cross {
                if consumeWord("USING") {
                    using = try parseParenthesizedIdentifiers("a column name", "after USING")
                } else {
                    try expectWord("ON", "after joined table")
                    condition = try parseExpr()
                }
                if within == nil, isWord("WITHIN") { within = try parseJoinWithin() }
            }
            let span = left.span.union(SourceSpan(start: right.span.start, end: previousEnd))
            var join = Join(left: left, kind: kind, right: right, condition: condition, within: within, span: span)
            join.using = using
            left = .join(join)
        }
        return left
    }

    /// Consumes `[INNER|LEFT [OUTER]|RIGHT [OUTER]|FULL [OUTER]|CROSS] JOIN`.
    private mutating func parseJoinKind() throws(SQLError) -> Join.Kind? {
        let kind: Join.Kind
        switch word() {
        case "JOIN": advance(); return .inner
        case "INNER": kind = .inner
        case "LEFT": kind = .left
        case "RIGHT": kind = .right
        case "FULL": kind = .full
        case "CROSS": kind = .cross
        default: return nil
        }
        let keyword = advance().text.uppercased()
        if kind == .left || kind == .right || kind == .full { _ = consumeWord("OUTER") }
        try expectWord("JOIN", "after \(keyword)")
        return kind
    }

    private mutating func parseTablePrimary() throws(SQLError) -> TableReference {
        let start = current.span.start
        if isSymbol(.leftParen) {
            guard startsQuery(at: 1) else { throw expected("a subquery", "after '('", at: peek()) }
            advance()
            let query = try parseQuery()
            try expectSymbol(.rightParen, "after subquery")
            if isWord("MATCH_RECOGNIZE") {
                return try parseMatchRecognize(input: .derived(DerivedTable(query: query, span: span(from: start))))
            }
            let alias = try parseAlias(clauseKeywords: Parser.tableFollowers)
            var columns: [Identifier] = []
            if alias != nil, isSymbol(.leftParen) {
                columns = try parseParenthesizedIdentifiers("a column name", "after the alias")
            }
            return .derived(DerivedTable(query: query, alias: alias, columns: columns, span: span(from: start)))
        }
        if isWord("TABLE"), isSymbol(.leftParen, at: 1) {
            var function = try parseWindowTableFunction()
            function.alias = try parseAlias(clauseKeywords: Parser.tableFollowers)
            function.span = span(from: start)
            return .windowFunction(function)
        }
        if isWord("UNNEST"), isSymbol(.leftParen, at: 1) {
            advance()
            advance()
            let argument = try parseExpr()
            try expectSymbol(.rightParen, "after the UNNEST argument")
            let withOrdinality = consumeWords("WITH", "ORDINALITY")
            let alias = try parseAlias(clauseKeywords: Parser.tableFollowers)
            var columns: [Identifier] = []
            if alias != nil, consumeSymbol(.leftParen) {
                columns = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseIdentifier("a column name") }
                try expectSymbol(.rightParen, "after the column names")
            }
            return .unnest(UnnestTable(
                argument: argument, withOrdinality: withOrdinality, alias: alias, columnAliases: columns, span: span(from: start)))
        }
        if atEnd || !atIdentifier {
            throw expected("a table name or subquery")
        }
        let name = try parseObjectName("a table name")
        if isSymbol(.leftParen) {
            // A set-returning function, `generate_series(1, 3) AS s`.
            advance()
            let arguments = isSymbol(.rightParen)
                ? [] : try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
            try expectSymbol(.rightParen, "after the arguments of \(name)")
            let call = FunctionCall(name: name, arguments: arguments, span: span(from: start))
            let withOrdinality = consumeWords("WITH", "ORDINALITY")
            let alias = try parseAlias(clauseKeywords: Parser.tableFollowers)
            var columns: [Identifier] = []
            if alias != nil, consumeSymbol(.leftParen) {
                columns = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseIdentifier("a column name") }
                try expectSymbol(.rightParen, "after the column names")
            }
            var table = UnnestTable(
                argument: .function(call), withOrdinality: withOrdinality, alias: alias, columnAliases: columns,
                span: span(from: start))
            table.isFunction = true
            return .unnest(table)
        }
        var table = NamedTable(name: name)
        if consumeWord("FOR") {
            try expectWord("SYSTEM_TIME", "after FOR")
            try expectWord("AS", "after FOR SYSTEM_TIME")
            try expectWord("OF", "after FOR SYSTEM_TIME AS")
            table.systemTimeAsOf = try parseExpr()
        }
        if isWord("MATCH_RECOGNIZE") {
            table.span = span(from: start)
            return try parseMatchRecognize(input: .named(table))
        }
        table.alias = try parseAlias(clauseKeywords: Parser.tableFollowers)
        table.span = span(from: start)
        return .named(table)
    }

    /// `TABLE(TUMBLE|HOP|CUMULATE|SESSION(args))` with positional or `NAME => value` arguments.
    private mutating func parseWindowTableFunction() throws(SQLError) -> WindowTableFunction {
        let start = current.span.start
        advance()  // TABLE
        try expectSymbol(.leftParen)
        let nameToken = current
        guard let kind = word().flatMap(WindowTableFunction.Kind.init(rawValue:)) else {
            throw expected("TUMBLE, HOP, CUMULATE or SESSION", "in TABLE(...)")
        }
        advance()
        try expectSymbol(.leftParen, "after \(kind.rawValue)")

        var table: ObjectName?
        var partitionBy: [Expr] = []
        var timeColumn: Identifier?
        var durations: [Expr] = []
        var named: [String: Expr] = [:]
        var index = 0
        repeat {
            var argumentName: String?
            // A name that is a reserved word is quoted, as Flink's page writes `OFFSET` => ...
            if isSymbol(.arrow, at: 1) {
                switch current.kind {
                case .word(let w): argumentName = w
                case .quotedIdentifier(let q): argumentName = q.uppercased()
                default: break
                }
                if argumentName != nil {
                    advance()
                    advance()
                }
            }
            if consumeWord("TABLE") {
                table = try parseObjectName("a table name", "after TABLE")
                if consumeWords("PARTITION", "BY") {
                    // One key, or several in parentheses: `PARTITION BY (a, b)`.
                    if consumeSymbol(.leftParen) {
                        partitionBy = try parseCommaSeparated { (p: inout Parser) throws(SQLError) in try p.parseExpr() }
                        try expectSymbol(.rightParen, "after PARTITION BY keys")
                    } else {
                        partitionBy = [try parseExpr()]
                    }
                }
            } else if isWord("DESCRIPTOR") {
                advance()
                try expectSymbol(.leftParen, "after DESCRIPTOR")
                timeColumn = try parseIdentifier("a time column", "in DESCRIPTOR")
                try expectSymbol(.rightParen, "after DESCRIPTOR column")
            } else {
                if table == nil { throw expected("TABLE", "as the first argument of \(kind.rawValue)") }
                if timeColumn == nil { throw expected("DESCRIPTOR(column)", "after the table of \(kind.rawValue)") }
                let value = try parseExpr()
                if let argumentName {
                    named[argumentName] = value
                } else {
                    durations.append(value)
                }
            }
            index += 1
        } while consumeSymbol(.comma)
        try expectSymbol(.rightParen, "after \(kind.rawValue) arguments")
        try expectSymbol(.rightParen, "to close TABLE(...)")

        guard let table else { throw SQLError.syntax("\(kind.rawValue) needs a TABLE argument", at: nameToken.span) }
        guard let timeColumn else {
            throw SQLError.syntax("\(kind.rawValue) needs a DESCRIPTOR(time column) argument", at: nameToken.span)
        }
        var function = WindowTableFunction(kind: kind, table: table, partitionBy: partitionBy, timeColumn: timeColumn)
        // Positional order per function, then named arguments by their Flink names.
        let positional: [String]
        switch kind {
        case .tumble: positional = ["SIZE", "OFFSET"]
        case .hop: positional = ["SLIDE", "SIZE", "OFFSET"]
        case .cumulate: positional = ["STEP", "SIZE", "OFFSET"]
        case .session: positional = ["GAP"]
        }
        if durations.count > positional.count {
            throw SQLError.syntax("too many arguments for \(kind.rawValue)", at: span(from: start))
        }
        for (name, value) in zip(positional, durations) { named[name] = value }
        for name in named.keys where !positional.contains(name) {
            throw SQLError.syntax("\(kind.rawValue) has no argument named \(name)", at: span(from: start))
        }
        function.size = named["SIZE"]
        function.slide = named["SLIDE"]
        function.step = named["STEP"]
        function.gap = named["GAP"]
        function.offset = named["OFFSET"]
        for required in positional where required != "OFFSET" && named[required] == nil {
            throw SQLError.syntax("\(kind.rawValue) needs a \(required.lowercased()) argument", at: span(from: start))
        }
        return function
    }
}
