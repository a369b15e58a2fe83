import RivuletCore

extension Parser {
    /// Flink's SQL/JSON functions with their clauses (see `JSONClauses`). A JSON_VALUE,
    /// JSON_QUERY, JSON_EXISTS or JSON_ARRAY without clauses is an ordinary call.
    mutating func parseJSONFunction() throws(SQLError) -> Expr {
        let start = current.span.start
        let nameToken = advance()
        let name = nameToken.text.uppercased()
        try expectSymbol(.leftParen)
        var arguments: [Expr] = []
        var clauses = JSONClauses()
        switch name {
        case "JSON_OBJECT":
            while !isSymbol(.rightParen), !startsNullHandling {
                if !arguments.isEmpty { try expectSymbol(.comma, "between the members of JSON_OBJECT") }
                if isWord("KEY"), !isWord("VALUE", at: 1) { advance() }
                arguments.append(try parseExpr())
                try expectWord("VALUE", "after a JSON_OBJECT key")
                arguments.append(try parseExpr())
            }
            clauses.onNull = parseNullHandling()
        case "JSON_ARRAY":
            while !isSymbol(.rightParen), !startsNullHandling {
                if !arguments.isEmpty { try expectSymbol(.comma, "between the elements of JSON_ARRAY") }
                arguments.append(try parseExpr())
            }
            clauses.onNull = parseNullHandling()
        default:
            arguments.append(try parseExpr())
            try expectSymbol(.comma, "after the JSON text of \(name)")
            arguments.append(try parseExpr())
            if name != "JSON_EXISTS", consumeWord("RETURNING") { clauses.returning = try parseDataType() }
            if name == "JSON_QUERY" { clauses.wrapper = try parseJSONWrapper() }
            while let behavior = try parseJSONBehavior(in: name) {
                let keyword = current
                try expectWord("ON", "after \(behavior) in \(name)")
                if name != "JSON_EXISTS", consumeWord("EMPTY") {
                    guard clauses.onEmpty == nil, clauses.onError == nil else { throw SQLError(.syntaxError, "ON EMPTY comes once, before ON ERROR", at: keyword.span) }
                    clauses.onEmpty = behavior
                } else if consumeWord("ERROR") {
                    guard clauses.onError == nil else { throw SQLError(.syntaxError, "ON ERROR comes once", at: keyword.span) }
                    clauses.onError = behavior
                } else {
                    throw expected(name == "JSON_EXISTS" ? "ERROR" : "EMPTY or ERROR", "after ON")
                }
            }
        }
        try expectSymbol(.rightParen, "after the arguments of \(name)")
        let hasClauses = name == "JSON_OBJECT" || clauses != JSONClauses()
        var call = FunctionCall(
            name: ObjectName([Identifier(nameToken.text, quoted: false, span: nameToken.span)]), arguments: arguments,
            span: span(from: start))
        call.json = hasClauses ? clauses : nil
        return .function(call)
    }

    private var startsNullHandling: Bool {
        (isWord("NULL") || isWord("ABSENT")) && isWord("ON", at: 1) && isWord("NULL", at: 2)
    }

    private mutating func parseNullHandling() -> JSONClauses.NullHandling? {
        if consumeWords("NULL", "ON", "NULL") { return .null }
        if consumeWords("ABSENT", "ON", "NULL") { return .absent }
        return nil
    }

    /// `WITHOUT [ARRAY] WRAPPER` or `WITH [CONDITIONAL | UNCONDITIONAL] [ARRAY] WRAPPER`.
    private mutating func parseJSONWrapper() throws(SQLError) -> JSONClauses.Wrapper? {
        let wrapper: JSONClauses.Wrapper
        if consumeWord("WITHOUT") {
            wrapper = .without
        } else if consumeWord("WITH") {
            if consumeWord("CONDITIONAL") {
                wrapper = .conditional
            } else {
                _ = consumeWord("UNCONDITIONAL")
                wrapper = .unconditional
            }
        } else {
            return nil
        }
        _ = consumeWord("ARRAY")
        try expectWord("WRAPPER", "in JSON_QUERY")
        return wrapper
    }

    /// The behavior before `ON EMPTY` or `ON ERROR`, when one is next.
    private mutating func parseJSONBehavior(in name: String) throws(SQLError) -> JSONClauses.Behavior? {
        guard isWord("ON", at: 1) || isWord("DEFAULT") || (isWord("EMPTY") && isWord("ON", at: 2)) else { return nil }
        let token = current
        let behavior: JSONClauses.Behavior
        switch word() {
        case "NULL": behavior = .null
        case "ERROR": behavior = .error
        case "TRUE": behavior = .true
        case "FALSE": behavior = .false
        case "UNKNOWN": behavior = .unknown
        case "DEFAULT" where name == "JSON_VALUE":
            advance()
            return .default(try parseExpr())
        case "EMPTY" where isWord("ARRAY", at: 1):
            advance()
            behavior = .emptyArray
        case "EMPTY" where isWord("OBJECT", at: 1):
            advance()
            behavior = .emptyObject
        default:
            return nil
        }
        advance()
        let allowed: [String: String] = [
            "JSON_VALUE": "NULL, ERROR or DEFAULT", "JSON_QUERY": "NULL, ERROR, EMPTY ARRAY or EMPTY OBJECT",
            "JSON_EXISTS": "TRUE, FALSE, UNKNOWN or ERROR",
        ]
        let fits = switch (name, behavior) {
        case ("JSON_VALUE", .null), ("JSON_VALUE", .error): true
        case ("JSON_QUERY", .null), ("JSON_QUERY", .error), ("JSON_QUERY", .emptyArray), ("JSON_QUERY", .emptyObject): true
        case ("JSON_EXISTS", .true), ("JSON_EXISTS", .false), ("JSON_EXISTS", .unknown), ("JSON_EXISTS", .error): true
        default: false
        }
        guard fits else {
            throw SQLError(.syntaxError, "\(name) takes \(allowed[name] ?? "no") behaviors, not \(behavior)", at: token.span)
        }
        return behavior
    }
}
