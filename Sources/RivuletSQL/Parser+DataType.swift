import RivuletCore

/// Data types of both dialects, mapped onto `SQLType`:
/// `VARCHAR(n)`/`STRING`/`CHAR(n)`/`TEXT` → varchar, `INT`/`INTEGER`/`SMALLINT`/`TINYINT` → integer,
/// `BIGINT`, `DOUBLE [PRECISION]`/`FLOAT`/`REAL` → double, `DECIMAL(p, s)` (default 10, 0),
/// `TIMESTAMP(p)` (default 3; `WITHOUT TIME ZONE` allowed), `TIMESTAMP_LTZ(p)` and
/// `TIMESTAMP(p) WITH LOCAL TIME ZONE` → timestamp, `DATE`, `BOOLEAN`; and Postgres' names, as
/// clients write them in `::` casts: `int2`/`int4`/`int8`, `float4`/`float8`, `timestamptz`,
/// `bpchar`, `name`, `oid`, `regclass`, optionally qualified by `pg_catalog.`.
extension Parser {
    /// A data type, then Postgres' `[]` for an array of it (`pg_catalog.int2[]`).
    mutating func parseDataType() throws(SQLError) -> SQLType {
        var type = try parseElementDataType()
        while isSymbol(.leftBracket), isSymbol(.rightBracket, at: 1) {
            advance()
            advance()
            type = .array(type)
        }
        return type
    }

    private mutating func parseElementDataType() throws(SQLError) -> SQLType {
        let token = current
        let typeNames = "a data type (BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL, VARCHAR, TIMESTAMP or DATE)"
        guard var word = word() else { throw expected(typeNames) }
        advance()
        if word == "PG_CATALOG", consumeSymbol(.period) {
            guard let qualified = self.word() else { throw expected(typeNames) }
            word = qualified
            advance()
        }
        switch word {
        case "BOOLEAN", "BOOL":
            return .boolean
        case "INT", "INTEGER", "SMALLINT", "TINYINT", "INT2", "INT4":
            return .integer
        case "BIGINT", "INT8", "OID", "XID":
            return .bigint
        case "DOUBLE":
            _ = consumeWord("PRECISION")
            return .double
        case "FLOAT", "REAL", "FLOAT4", "FLOAT8":
            return .double
        case "DECIMAL", "DEC", "NUMERIC":
            var precision = 10, scale = 0
            if consumeSymbol(.leftParen) {
                precision = try parseTypeLength("precision")
                if consumeSymbol(.comma) { scale = try parseTypeLength("scale") }
                try expectSymbol(.rightParen, "after DECIMAL precision")
            }
            guard (1...DecimalFormat.maxPrecision).contains(precision) else {
                throw SQLError.syntax(
                    "DECIMAL precision must be between 1 and \(DecimalFormat.maxPrecision), not \(precision)", at: span(from: token.span.start))
            }
            if scale > precision {
                throw SQLError.syntax("DECIMAL scale \(scale) exceeds precision \(precision)", at: span(from: token.span.start))
            }
            return .decimal(precision: precision, scale: scale)
        case "VARCHAR", "CHAR", "CHARACTER", "STRING", "TEXT", "BPCHAR", "NAME":
            if word == "CHARACTER" { _ = consumeWord("VARYING") }
            if word != "STRING", consumeSymbol(.leftParen) {
                _ = try parseTypeLength("length")
                try expectSymbol(.rightParen, "after \(word) length")
            }
            return .varchar
        case "TIMESTAMPTZ":
            return .timestamp3
        case "TIMESTAMP", "TIMESTAMP_LTZ":
            var precision = 3
            if consumeSymbol(.leftParen) {
                precision = try parseTypeLength("precision")
                try expectSymbol(.rightParen, "after \(word) precision")
            }
            if word == "TIMESTAMP" {
                if consumeWords("WITHOUT", "TIME", "ZONE") || consumeWords("WITH", "LOCAL", "TIME", "ZONE")
                    || consumeWords("WITH", "TIME", "ZONE")
                {}
            }
            if precision > 9 {
                throw SQLError.syntax("TIMESTAMP precision must be between 0 and 9", at: span(from: token.span.start))
            }
            return .timestamp(precision: precision)
        case "DATE":
            return .date
        case "ARRAY":
            // `ARRAY<t>`, in both dialects.
            try expectSymbol(.less, "after ARRAY")
            let element = try parseNestedFieldType()
            try expectClosingAngle("ARRAY")
            return .array(element)
        case "MAP":
            try expectSymbol(.less, "after MAP")
            let key = try parseNestedFieldType()
            try expectSymbol(.comma, "between MAP's key and value types")
            let value = try parseNestedFieldType()
            try expectClosingAngle("MAP")
            return .map(key: key, value: value)
        case "ROW", "STRUCT":
            // Flink: `ROW<a INT, b STRING>` or `ROW(a INT, b STRING)`; ksqlDB: `STRUCT<a INT, b STRING>`.
            let angle = word == "STRUCT" || isSymbol(.less)
            if angle { try expectSymbol(.less, "after \(word)") } else { try expectSymbol(.leftParen, "after ROW") }
            var fields: [RowField] = []
            if angle ? !isSymbol(.greater) : !isSymbol(.rightParen) {
                repeat {
                    let name = try parseIdentifierAfterPeriod("a field name")
                    // ksqlDB upper-cases a STRUCT's unquoted field names, as its column names.
                    let stored = word == "STRUCT" && !name.quoted ? name.value.uppercased() : name.value
                    if fields.contains(where: { word == "STRUCT" ? $0.name == stored : $0.name.lowercased() == stored.lowercased() }) {
                        throw SQLError.syntax("duplicate field name '\(name.value)' in \(word)", at: name.span)
                    }
                    fields.append(RowField(stored, try parseNestedFieldType()))
                    // Flink allows a description string after a field's type.
                    if case .string = current.kind { advance() }
                } while consumeSymbol(.comma)
            }
            if angle { try expectClosingAngle(word) } else { try expectSymbol(.rightParen, "closing ROW's fields") }
            guard !fields.isEmpty else {
                throw SQLError.syntax("\(word) needs at least one field", at: span(from: token.span.start))
            }
            return .row(fields)
        case "MULTISET", "BYTES", "VARBINARY", "BINARY", "TIME", "INTERVAL":
            throw SQLError.unsupported("data type \(word) is not supported", at: token.span)
        default:
            throw expected(typeNames, at: token)
        }
    }

    /// An element, key, value or field type inside a nested type: `NOT NULL` / `NULL` after it
    /// is accepted (nullability is not enforced).
    private mutating func parseNestedFieldType() throws(SQLError) -> SQLType {
        let type = try parseDataType()
        if !consumeWords("NOT", "NULL") { _ = consumeWord("NULL") }
        return type
    }

    private mutating func expectClosingAngle(_ what: String) throws(SQLError) {
        try expectSymbol(.greater, "closing \(what)<...>")
    }

    private mutating func parseTypeLength(_ what: String) throws(SQLError) -> Int {
        guard case .number(let digits) = current.kind, let value = Int(digits), value >= 0, value < 1_000_000 else {
            throw expected("a \(what)", "in data type")
        }
        advance()
        return value
    }
}
