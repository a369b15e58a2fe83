import RivuletCore

/// Statement dispatch and the short statements: `INSERT`, `SHOW`, `DESCRIBE`, `EXPLAIN`,
/// `TERMINATE`, `DROP`, `SET`, `RESET`.
extension Parser {
    static let statementKeywords = [
        "SELECT", "WITH", "VALUES", "CREATE", "INSERT", "SHOW", "LIST", "DESCRIBE", "EXPLAIN", "TERMINATE", "DROP", "SET", "RESET", "EXECUTE",
    ]

    mutating func parseStatement() throws(SQLError) -> Statement {
        if isSymbol(.leftParen) || isWord("SELECT") || isWord("WITH") || isWord("VALUES") {
            return .query(try parseQuery())
        }
        switch word() {
        case "CREATE": return try parseCreate()
        case "INSERT": return try parseInsert()
        case "SHOW", "LIST": return try parseShow()
        case "DESCRIBE", "DESC": return try parseDescribe()
        case "EXPLAIN": return try parseExplain()
        case "TERMINATE": return try parseTerminate()
        case "DROP": return try parseDrop()
        case "SET": return try parseSet()
        case "RESET": return try parseReset()
        case "EXECUTE" where isWord("STATEMENT", at: 1), "BEGIN" where isWord("STATEMENT", at: 1): return try parseStatementSet()
        default:
            var error = expected("a statement")
            if case .word(let w) = current.kind, let keyword = Keywords.suggestion(for: w, among: Parser.statementKeywords) {
                error.hint = "did you mean \(keyword)?"
            } else {
                error.hint = "statements start with SELECT, VALUES, CREATE, INSERT, SHOW, DESCRIBE, EXPLAIN, TERMINATE, DROP or SET"
            }
            throw error
        }
    }

    /// `EXECUTE STATEMENT SET BEGIN insert; ... END`, or the SQL client's `BEGIN STATEMENT SET;
    /// insert; ... END`: `INSERT INTO ... SELECT` statements, each ended by `;` (the last may
    /// run into `END`).
    private mutating func parseStatementSet() throws(SQLError) -> Statement {
        let start = current.span.start
        let executed = consumeWord("EXECUTE")
        if !executed { advance() }
        try expectWord("STATEMENT", executed ? "after EXECUTE" : "after BEGIN")
        try expectWord("SET", "after STATEMENT")
        if executed {
            try expectWord("BEGIN", "after EXECUTE STATEMENT SET")
        } else {
            try expectSymbol(.semicolon, "after BEGIN STATEMENT SET")
        }
        var inserts: [ParsedStatement] = []
        while true {
            while consumeSymbol(.semicolon) {}
            if consumeWord("END") { break }
            guard isWord("INSERT") else { throw expected("INSERT INTO ... SELECT or END", "in a statement set") }
            let insertStart = current.span.start
            let statement = try parseInsert()
            let insertSpan = span(from: insertStart)
            guard case .insertSelect = statement else {
                throw SQLError.syntax("a statement set holds INSERT INTO ... SELECT statements, not INSERT ... VALUES", at: insertSpan)
            }
            inserts.append(ParsedStatement(statement: statement, span: insertSpan, text: text(of: insertSpan)))
            if !isWord("END") { try expectSymbol(.semicolon, "after an INSERT of the statement set") }
        }
        guard !inserts.isEmpty else { throw SQLError.syntax("a statement set needs at least one INSERT", at: span(from: start)) }
        return .statementSet(StatementSet(inserts: inserts, span: span(from: start)))
    }

    /// `INSERT INTO name [(cols)] (query | VALUES (...), ...)`
    private mutating func parseInsert() throws(SQLError) -> Statement {
        let start = current.span.start
        advance()
        try expectWord("INTO", "after INSERT")
        let target = try parseObjectName("a table or stream name", "after INSERT INTO")
        var columns: [Identifier] = []
        if isSymbol(.leftParen), !startsQuery() {
            columns = try parseParenthesizedIdentifiers("a column name", "after INSERT INTO \(target.name.value)")
        }
        if consumeWord("VALUES") {
            let rows = try parseValuesRows()
            return .insertValues(InsertValues(target: target, columns: columns, rows: rows, span: span(from: start)))
        }
        guard startsQuery() else { throw expected("SELECT or VALUES", "after INSERT INTO \(target.name.value)") }
        let query = try parseQuery()
        return .insertSelect(InsertSelect(target: target, columns: columns, query: query, span: span(from: start)))
    }

    /// `SHOW|LIST STREAMS|TABLES|QUERIES|VIEWS|FUNCTIONS|TOPICS|CONNECTORS [EXTENDED]`
    private mutating func parseShow() throws(SQLError) -> Statement {
        let start = current.span.start
        let verb = advance().text.uppercased()
        if consumeWords("CONNECTOR", "TYPES") {
            return .show(Show(kind: .connectorTypes, span: span(from: start)))
        }
        guard let kind = word().flatMap(Show.Kind.init(rawValue:)) else {
            throw expected("STREAMS, TABLES, QUERIES, VIEWS, FUNCTIONS, TOPICS, CONNECTORS or PROPERTIES", "after \(verb)")
        }
        advance()
        let extended = consumeWord("EXTENDED")
        return .show(Show(kind: kind, extended: extended, span: span(from: start)))
    }

    /// `DESCRIBE [EXTENDED] [STREAM|TABLE] name [EXTENDED]`
    private mutating func parseDescribe() throws(SQLError) -> Statement {
        let start = current.span.start
        advance()
        if isWord("CONNECTOR"), peek().kind != .endOfInput, !isSymbol(.semicolon, at: 1) {
            advance()
            let name = try parseIdentifier("a connector name", "after DESCRIBE CONNECTOR")
            return .connector(.describe(ConnectorReference(name: name, span: span(from: start))))
        }
        var extended = consumeWord("EXTENDED")
        var kind: RelationKind?
        if isWord("STREAM") || isWord("TABLE"), peek().kind != .endOfInput, !isSymbol(.semicolon, at: 1) {
            kind = advance().kind == .word("STREAM") ? .stream : .table
        }
        let name = try parseObjectName("a stream or table name", "after DESCRIBE")
        if consumeWord("EXTENDED") { extended = true }
        return .describe(Describe(name: name, kind: kind, extended: extended, span: span(from: start)))
    }

    /// `EXPLAIN [PLAN FOR] statement` or `EXPLAIN query_id`
    private mutating func parseExplain() throws(SQLError) -> Statement {
        let start = current.span.start
        advance()
        if consumeWords("PLAN", "FOR") {
            let inner = try parseStatement()
            return .explain(Explain(target: .statement(inner), span: span(from: start)))
        }
        if let id = parseQueryIdIfPresent() {
            return .explain(Explain(target: .queryId(id), span: span(from: start)))
        }
        if atEnd { throw expected("a statement or query id", "after EXPLAIN") }
        let inner = try parseStatement()
        return .explain(Explain(target: .statement(inner), span: span(from: start)))
    }

    /// A query id: a name that does not start a statement, a number, or a quoted string.
    private mutating func parseQueryIdIfPresent() -> String? {
        let token = current
        switch token.kind {
        case .string(let text), .quotedIdentifier(let text), .number(let text):
            advance()
            return text
        case .word(let w) where !Parser.statementKeywords.contains(w) && w != "DESC" && !Keywords.reserved.contains(w):
            advance()
            return token.text
        default:
            return nil
        }
    }

    /// `TERMINATE query_id` or `TERMINATE ALL`
    private mutating func parseTerminate() throws(SQLError) -> Statement {
        let start = current.span.start
        advance()
        if consumeWord("ALL") {
            return .terminate(Terminate(queryId: nil, span: span(from: start)))
        }
        guard let id = parseQueryIdIfPresent() else { throw expected("a query id or ALL", "after TERMINATE") }
        return .terminate(Terminate(queryId: id, span: span(from: start)))
    }

    /// `DROP STREAM|TABLE|VIEW [IF EXISTS] name [DELETE TOPIC]`
    private mutating func parseDrop() throws(SQLError) -> Statement {
        let start = current.span.start
        advance()
        _ = consumeWord("TEMPORARY")
        if consumeWord("CONNECTOR") {
            let ifExists = consumeWords("IF", "EXISTS")
            let name = try parseIdentifier("a connector name", "after DROP CONNECTOR")
            return .connector(.drop(ConnectorReference(name: name, ifExists: ifExists, span: span(from: start))))
        }
        let kind: RelationKind
        switch word() {
        case "STREAM": kind = .stream
        case "TABLE": kind = .table
        case "VIEW": kind = .view
        default: throw expected("STREAM, TABLE, VIEW or CONNECTOR", "after DROP")
        }
        advance()
        let ifExists = consumeWords("IF", "EXISTS")
        let name = try parseObjectName("a name", "after DROP")
        let deleteTopic = consumeWords("DELETE", "TOPIC")
        return .drop(DropRelation(kind: kind, ifExists: ifExists, name: name, deleteTopic: deleteTopic, span: span(from: start)))
    }

    /// `SET 'key' = 'value'` or `SET key.part = value`; `SET` alone (Flink's `SET;`) lists the
    /// settings, as `SHOW PROPERTIES`.
    private mutating func parseSet() throws(SQLError) -> Statement {
        let start = current.span.start
        advance()
        if atEnd || isSymbol(.semicolon) {
            return .show(Show(kind: .properties, span: span(from: start)))
        }
        let key = try parseOptionKey("after SET")
        try expectSymbol(.equal, "after SET \(key)")
        let value = try parseOptionValue("after '='")
        return .set(SetOption(key: key, value: value.text, span: span(from: start)))
    }

    /// `RESET 'key'` or `RESET`
    private mutating func parseReset() throws(SQLError) -> Statement {
        let start = current.span.start
        advance()
        if atEnd || isSymbol(.semicolon) {
            return .reset(ResetOption(key: nil, span: span(from: start)))
        }
        let key = try parseOptionKey("after RESET")
        return .reset(ResetOption(key: key, span: span(from: start)))
    }

    /// A `'quoted.key'` (or `"quoted.key"`) or a dotted/hyphenated bare key like `auto.offset.reset`, written
    /// without spaces (`a - b` is no key), so that it reads the same printed.
    mutating func parseOptionKey(_ context: String) throws(SQLError) -> String {
        switch current.kind {
        case .string(let text), .quotedIdentifier(let text):
            // ksqlDB's connector properties are written both ways: 'connector.class', "connector.class".
            advance()
            return text
        default:
            break
        }
        guard case .word = current.kind else { throw expected("an option name", context) }
        var last = advance()
        var key = last.text
        while isSymbol(.period) || isSymbol(.minus), current.span.start.offset == last.span.end.offset {
            let separator = advance()
            key += separator.text
            guard current.span.start.offset == separator.span.end.offset else {
                throw expected("an option name", "after '\(key)'")
            }
            switch current.kind {
            case .word, .number:
                last = advance()
                key += last.text
            default:
                throw expected("an option name", "after '\(key)'")
            }
        }
        return key
    }

    /// A string, a (signed) number, TRUE/FALSE, or a bare word.
    mutating func parseOptionValue(_ context: String) throws(SQLError) -> OptionValue {
        let token = current
        switch token.kind {
        case .string(let text):
            advance()
            return .string(text)
        case .number(let digits):
            advance()
            return .number(digits)
        case .symbol(.minus):
            if case .number(let digits) = peek().kind {
                advance()
                advance()
                return .number("-" + digits)
            }
        case .word("TRUE"):
            advance()
            return .boolean(true)
        case .word("FALSE"):
            advance()
            return .boolean(false)
        case .word:
            advance()
            return .identifier(token.text)
        default:
            break
        }
        throw expected("an option value (a string, number or TRUE/FALSE)", context)
    }
}
