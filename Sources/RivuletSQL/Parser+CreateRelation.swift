import RivuletCore

/// `CREATE STREAM|TABLE|VIEW ...` in both dialects.
extension Parser {
    mutating func parseCreate() throws(SQLError) -> Statement {
        let start = current.span.start
        advance()
        if isWord("SOURCE") || isWord("SINK"), isWord("CONNECTOR", at: 1) {
            return try parseCreateConnector(from: start)
        }
        let orReplace = consumeWords("OR", "REPLACE")
        let temporary = consumeWord("TEMPORARY")
        let kind: RelationKind
        switch word() {
        case "STREAM": kind = .stream
        case "TABLE": kind = .table
        case "VIEW": kind = .view
        default: throw expected("STREAM, TABLE or VIEW", "after CREATE")
        }
        advance()
        let ifNotExists = consumeWords("IF", "NOT", "EXISTS")
        let name = try parseObjectName("a name", "after CREATE \(kind == .stream ? "STREAM" : kind == .table ? "TABLE" : "VIEW")")

        if kind == .view {
            var columns: [Identifier] = []
            if isSymbol(.leftParen) {
                columns = try parseParenthesizedIdentifiers("a column name", "after view name")
            }
            try expectWord("AS", "after view name")
            let query = try parseQuery()
            return .createView(CreateView(
                temporary: temporary, ifNotExists: ifNotExists, name: name, columns: columns, query: query, span: span(from: start)))
        }

        if isSymbol(.leftParen) {
            var create = CreateRelation(kind: kind, orReplace: orReplace, ifNotExists: ifNotExists, name: name, columns: [])
            try parseTableElements(into: &create)
            if consumeWords("PARTITIONED", "BY") {
                create.partitionedBy = try parseParenthesizedIdentifiers("a column name", "after PARTITIONED BY")
            }
            if isWord("WITH") { create.options = try parseTableOptions() }
            if isWord("AS") {
                throw SQLError.syntax("CREATE ... AS SELECT takes no column list; the query defines the columns", at: current.span)
            }
            create.span = span(from: start)
            return .createRelation(create)
        }
        var options: [TableOption] = []
        if isWord("WITH") { options = try parseTableOptions() }
        guard consumeWord("AS") else {
            // ksqlDB: a source in a schema registry format may take its columns from the registry.
            if !options.isEmpty, atEnd || isSymbol(.semicolon) {
                return .createRelation(CreateRelation(
                    kind: kind, orReplace: orReplace, ifNotExists: ifNotExists, name: name, columns: [], options: options,
                    span: span(from: start)))
            }
            throw expected("'(' with column definitions, WITH or AS", "after \(name.name.value)")
        }
        let query = try parseQuery()
        return .createRelationAsSelect(CreateRelationAsSelect(
            kind: kind, orReplace: orReplace, ifNotExists: ifNotExists, name: name, options: options, query: query,
            span: span(from: start)))
    }

    /// `( element, ... )` where an element is a column, `WATERMARK FOR ...` or `[CONSTRAINT n] PRIMARY KEY (...)`.
    private mutating func parseTableElements(into create: inout CreateRelation) throws(SQLError) {
        try expectSymbol(.leftParen)
        repeat {
            let start = current.span.start
            if isWord("WATERMARK"), isWord("FOR", at: 1) {
                advance()
                advance()
                if create.watermark != nil {
                    throw SQLError.syntax("a table can have only one WATERMARK", at: span(from: start))
                }
                let column = try parseIdentifier("a column name", "after WATERMARK FOR")
                try expectWord("AS", "after WATERMARK FOR \(column.value)")
                let expression = try parseExpr()
                create.watermark = WatermarkDefinition(column: column, expression: expression, span: span(from: start))
            } else if (isWord("PRIMARY") && isWord("KEY", at: 1)) || isWord("CONSTRAINT") {
                if consumeWord("CONSTRAINT") { _ = try parseIdentifier("a constraint name", "after CONSTRAINT") }
                try expectWord("PRIMARY")
                try expectWord("KEY", "after PRIMARY")
                let columns = try parseParenthesizedIdentifiers("a column name", "after PRIMARY KEY")
                var notEnforced = false
                if consumeWords("NOT", "ENFORCED") { notEnforced = true }
                if create.primaryKey != nil {
                    throw SQLError.syntax("a table can have only one PRIMARY KEY", at: span(from: start))
                }
                create.primaryKey = PrimaryKeyConstraint(columns: columns, notEnforced: notEnforced, span: span(from: start))
            } else {
                create.columns.append(try parseColumnDefinition())
            }
        } while consumeSymbol(.comma)
        try expectSymbol(.rightParen, "after column definitions")
    }

    /// `name TYPE [NOT NULL | NULL] [PRIMARY KEY [NOT ENFORCED] | KEY]`, or `name AS expression`.
    private mutating func parseColumnDefinition() throws(SQLError) -> ColumnDefinition {
        let start = current.span.start
        let name = try parseIdentifier("a column definition")
        if consumeWord("AS") {
            let expression = try parseExpr()
            if consumeWord("COMMENT") { _ = try parseOptionValue("after COMMENT") }
            return ColumnDefinition(name: name, computed: expression, span: span(from: start))
        }
        let type = try parseDataType()
        var column = ColumnDefinition(name: name, type: type)
        if consumeWord("METADATA") {
            var key: String?
            if consumeWord("FROM") {
                guard case .string(let text) = current.kind else { throw expected("a quoted metadata key", "after METADATA FROM") }
                advance()
                key = text
            }
            column.metadata = MetadataSource(key: key, isVirtual: consumeWord("VIRTUAL"))
        }
        while true {
            if consumeWords("NOT", "NULL") {
                column.notNull = true
            } else if consumeWord("NULL") {
                column.notNull = false
            } else if consumeWords("PRIMARY", "KEY") {
                column.key = .primaryKey
                _ = consumeWords("NOT", "ENFORCED")
            } else if consumeWord("KEY") {
                column.key = .key
            } else {
                break
            }
        }
        column.span = span(from: start)
        return column
    }

    /// `WITH (key = value, ...)`, keys quoted (`'connector'`) or bare (`KAFKA_TOPIC`).
    /// `SOURCE|SINK CONNECTOR [IF NOT EXISTS] name WITH (...)`, after CREATE.
    private mutating func parseCreateConnector(from start: SourceLocation) throws(SQLError) -> Statement {
        let kind: CreateConnector.Kind = advance().text.uppercased() == "SOURCE" ? .source : .sink
        advance()
        let ifNotExists = consumeWords("IF", "NOT", "EXISTS")
        let name = try parseIdentifier("a connector name", "after CREATE \(kind.rawValue) CONNECTOR")
        guard isWord("WITH") else { throw expected("WITH (...)", "after the connector's name") }
        let options = try parseTableOptions()
        return .connector(.create(CreateConnector(kind: kind, ifNotExists: ifNotExists, name: name, options: options, span: span(from: start))))
    }

    mutating func parseTableOptions() throws(SQLError) -> [TableOption] {
        try expectWord("WITH")
        try expectSymbol(.leftParen, "after WITH")
        let options = try parseCommaSeparated { (p: inout Parser) throws(SQLError) -> TableOption in
            let start = p.current.span.start
            let keyIsString = if case .string = p.current.kind { true } else { false }
            let key = try p.parseOptionKey("in WITH (...)")
            try p.expectSymbol(.equal, "after option '\(key)'")
            let value = try p.parseOptionValue("for option '\(key)'")
            return TableOption(key: key, keyIsString: keyIsString, value: value, span: p.span(from: start))
        }
        try expectSymbol(.rightParen, "after WITH options")
        return options
    }
}
