/// Canonical SQL for statements (one line each, no trailing `;`).
extension Statement: CustomStringConvertible {
    public var description: String {
        switch self {
        case .createRelation(let s): return s.description
        case .createRelationAsSelect(let s): return s.description
        case .createView(let s): return s.description
        case .insertSelect(let s): return s.description
        case .insertValues(let s): return s.description
        case .query(let q): return q.description
        case .show(let s): return "SHOW \(s.kind.rawValue)\(s.extended ? " EXTENDED" : "")"
        case .describe(let s):
            let kind = s.kind.map { $0 == .stream ? "STREAM " : $0 == .table ? "TABLE " : "" } ?? ""
            return "DESCRIBE \(kind)\(s.name)\(s.extended ? " EXTENDED" : "")"
        case .explain(let s):
            switch s.target {
            case .statement(let inner): return "EXPLAIN \(inner)"
            case .queryId(let id): return "EXPLAIN \(Statement.queryIdText(id))"
            }
        case .terminate(let s):
            return "TERMINATE \(s.queryId.map(Statement.queryIdText) ?? "ALL")"
        case .drop(let s):
            return "DROP \(s.kind.keyword) \(s.ifExists ? "IF EXISTS " : "")\(s.name)\(s.deleteTopic ? " DELETE TOPIC" : "")"
        case .set(let s):
            return "SET \(SQLFormatting.string(s.key)) = \(SQLFormatting.string(s.value))"
        case .reset(let s):
            return s.key.map { "RESET \(SQLFormatting.string($0))" } ?? "RESET"
        case .connector(.create(let s)):
            return "CREATE \(s.kind.rawValue) CONNECTOR \(s.ifNotExists ? "IF NOT EXISTS " : "")\(s.name) WITH (\(SQLFormatting.list(s.options)))"
        case .connector(.describe(let s)):
            return "DESCRIBE CONNECTOR \(s.name)"
        case .connector(.drop(let s)):
            return "DROP CONNECTOR \(s.ifExists ? "IF EXISTS " : "")\(s.name)"
        case .statementSet(let s):
            return "EXECUTE STATEMENT SET BEGIN " + s.inserts.map { "\($0.statement); " }.joined() + "END"
        }
    }

    /// A query id bare when it reads back as one, else as a string.
    static func queryIdText(_ id: String) -> String {
        let upper = id.uppercased()
        if SQLFormatting.isPlainWord(id), !Keywords.reserved.contains(upper), !Parser.statementKeywords.contains(upper),
            upper != "DESC", upper != "PLAN"
        {
            return id
        }
        return SQLFormatting.string(id)
    }
}

extension RelationKind {
    var keyword: String {
        switch self {
        case .stream: return "STREAM"
        case .table: return "TABLE"
        case .view: return "VIEW"
        }
    }
}

extension CreateRelation: CustomStringConvertible {
    public var description: String {
        var elements = columns.map(\.description)
        if let watermark { elements.append("WATERMARK FOR \(watermark.column) AS \(watermark.expression)") }
        if let primaryKey {
            elements.append("PRIMARY KEY (\(SQLFormatting.identifiers(primaryKey.columns)))\(primaryKey.notEnforced ? " NOT ENFORCED" : "")")
        }
        var text = "CREATE \(orReplace ? "OR REPLACE " : "")\(kind.keyword) \(ifNotExists ? "IF NOT EXISTS " : "")\(name)"
        // ksqlDB's registry formats declare no columns: no list at all, as `()` does not parse.
        if !elements.isEmpty { text += " (\(elements.joined(separator: ", ")))" }
        if !partitionedBy.isEmpty { text += " PARTITIONED BY (\(SQLFormatting.identifiers(partitionedBy)))" }
        if !options.isEmpty { text += " WITH (\(SQLFormatting.list(options)))" }
        return text
    }
}

extension ColumnDefinition: CustomStringConvertible {
    public var description: String {
        if let computed { return "\(name) AS \(computed)" }
        var text = "\(name) \(type)"
        if let metadata {
            text += " METADATA"
            if let key = metadata.key { text += " FROM " + SQLFormatting.string(key) }
            if metadata.isVirtual { text += " VIRTUAL" }
        }
        if notNull { text += " NOT NULL" }
        switch key {
        case .primaryKey?: text += " PRIMARY KEY"
        case .key?: text += " KEY"
        case nil: break
        }
        return text
    }
}

extension TableOption: CustomStringConvertible {
    public var description: String {
        let keyText = keyIsString || !Statement.isBareOptionKey(key) ? SQLFormatting.string(key) : key
        return "\(keyText) = \(value.sql)"
    }
}

extension Statement {
    /// Whether `key` reads back as a bare option key (`KAFKA_TOPIC`, `auto.offset.reset`,
    /// `json.ignore-parse-errors`): a word, then words or numbers after `.` or `-`, as the
    /// lexer splits it.
    static func isBareOptionKey(_ key: String) -> Bool {
        guard let tokens = try? Lexer.tokenize(key), case .word = tokens.first?.kind else { return false }
        var parts = tokens.dropFirst()
        while let separator = parts.first, separator.kind == .symbol(.period) || separator.kind == .symbol(.minus) {
            guard let part = parts.dropFirst().first else { return false }
            switch part.kind {
            case .word, .number: parts = parts.dropFirst(2)
            default: return false
            }
        }
        guard parts.count == 1, parts.first?.kind == .endOfInput else { return false }
        return tokens.dropLast().map(\.text).joined() == key
    }
}

extension OptionValue {
    /// The value as SQL: strings quoted, numbers and words bare.
    var sql: String {
        switch self {
        case .string(let s): return SQLFormatting.string(s)
        case .number(let n): return n
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .identifier(let w): return SQLFormatting.isPlainWord(w) ? w : SQLFormatting.string(w)
        }
    }
}

extension CreateRelationAsSelect: CustomStringConvertible {
    public var description: String {
        var text = "CREATE \(orReplace ? "OR REPLACE " : "")\(kind.keyword) \(ifNotExists ? "IF NOT EXISTS " : "")\(name)"
        if !options.isEmpty { text += " WITH (\(SQLFormatting.list(options)))" }
        return text + " AS \(query)"
    }
}

extension CreateView: CustomStringConvertible {
    public var description: String {
        var text = "CREATE \(temporary ? "TEMPORARY " : "")VIEW \(ifNotExists ? "IF NOT EXISTS " : "")\(name)"
        if !columns.isEmpty { text += " (\(SQLFormatting.identifiers(columns)))" }
        return text + " AS \(query)"
    }
}

extension InsertSelect: CustomStringConvertible {
    public var description: String {
        let columnText = columns.isEmpty ? "" : " (\(SQLFormatting.identifiers(columns)))"
        return "INSERT INTO \(target)\(columnText) \(query)"
    }
}

extension InsertValues: CustomStringConvertible {
    public var description: String {
        let columnText = columns.isEmpty ? "" : " (\(SQLFormatting.identifiers(columns)))"
        let rowText = rows.map { "(\(SQLFormatting.list($0)))" }.joined(separator: ", ")
        return "INSERT INTO \(target)\(columnText) VALUES \(rowText)"
    }
}
