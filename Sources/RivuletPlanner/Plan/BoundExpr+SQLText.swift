extension BoundExpr {
    /// The expression as SQL-like text for EXPLAIN: `MOD($0, 123) = 0`, `$1 LIKE 'a%'`.
    public var sqlText: String { text(parentPrecedence: 0) }

    private func text(parentPrecedence: Int) -> String {
        switch self {
        case .column, .literal: return description
        case .cast(let inner, let type): return "CAST(\(inner.sqlText) AS \(type))"
        case .call(let function, let args, _):
            if let (symbol, precedence) = Self.infix[function], args.count == 2 {
                let body = "\(args[0].text(parentPrecedence: precedence)) \(symbol) \(args[1].text(parentPrecedence: precedence + 1))"
                return precedence < parentPrecedence ? "(\(body))" : body
            }
            // Each argument's text is made once: making it twice per level is exponential in depth.
            var a: [String] { args.map(\.sqlText) }
            switch function {
            case .and, .or:
                let precedence = function == .and ? 2 : 1
                let body = args.map { $0.text(parentPrecedence: precedence + 1) }.joined(separator: function == .and ? " AND " : " OR ")
                return precedence < parentPrecedence ? "(\(body))" : body
            case .not: return "NOT \(args[0].text(parentPrecedence: 9))"
            case .negate: return "-\(args[0].text(parentPrecedence: 9))"
            case .isNull: return "\(args[0].text(parentPrecedence: 9)) IS NULL"
            case .isNotNull: return "\(args[0].text(parentPrecedence: 9)) IS NOT NULL"
            case .isTrue: return "\(args[0].text(parentPrecedence: 9)) IS TRUE"
            case .isFalse: return "\(args[0].text(parentPrecedence: 9)) IS FALSE"
            case .like:
                let escape = args.count > 2 ? " ESCAPE \(args[2].sqlText)" : ""
                return "\(args[0].text(parentPrecedence: 9)) LIKE \(args[1].sqlText)\(escape)"
            case .inList: return "\(args[0].text(parentPrecedence: 9)) IN (\(args.dropFirst().map(\.sqlText).joined(separator: ", ")))"
            case .caseWhen:
                let a = a
                var text = "CASE"
                for k in stride(from: 0, to: a.count - 1, by: 2) { text += " WHEN \(a[k]) THEN \(a[k + 1])" }
                return text + " ELSE \(a[a.count - 1]) END"
            case .extract:
                if case .literal(let field, _) = args[0], args.count == 2 {
                    return "EXTRACT(\(field) FROM \(args[1].sqlText))"
                }
                return "EXTRACT(\(a.joined(separator: ", ")))"
            case .currentTimestamp: return "CURRENT_TIMESTAMP"
            case .proctime: return "PROCTIME()"
            case .isJSON:
                if case .literal(.string(let kind), _) = args[1] { return "\(args[0].text(parentPrecedence: 9)) IS JSON \(kind)" }
            case .overlay:
                let a = a
                return "OVERLAY(\(a[0]) PLACING \(a[1]) FROM \(a[2])\(a.count > 3 ? " FOR \(a[3])" : ""))"
            case .floorTime, .ceilTime, .timestampAdd, .timestampDiff:
                // The unit is a word, not a string.
                guard case .literal(.string(let unit), _) = args[0] else { break }
                let rest = args.dropFirst().map(\.sqlText)
                switch function {
                case .floorTime: return "FLOOR(\(rest[0]) TO \(unit))"
                case .ceilTime: return "CEIL(\(rest[0]) TO \(unit))"
                default: return "\(Self.names[function] ?? "")(\(([unit] + rest).joined(separator: ", ")))"
                }
            default: break
            }
            return "\(Self.names[function] ?? function.rawValue.uppercased())(\(a.joined(separator: ", ")))"
        }
    }

    private static let infix: [ScalarFunction: (String, Int)] = [
        .equal: ("=", 4), .notEqual: ("<>", 4), .less: ("<", 4), .lessOrEqual: ("<=", 4),
        .greater: (">", 4), .greaterOrEqual: (">=", 4),
        .add: ("+", 5), .subtract: ("-", 5), .multiply: ("*", 6), .divide: ("/", 6),
    ]

    private static let names: [ScalarFunction: String] = [
        .regexpLike: "REGEXP_LIKE", .regexpExtract: "REGEXP_EXTRACT", .regexpReplace: "REGEXP_REPLACE",
        .modulo: "MOD", .charLength: "CHAR_LENGTH", .splitIndex: "SPLIT_INDEX", .nullIf: "NULLIF",
        .dateFormat: "DATE_FORMAT", .toTimestamp: "TO_TIMESTAMP", .timestampAddInterval: "TIMESTAMPADD",
        .arrayMax: "ARRAY_MAX", .arrayMin: "ARRAY_MIN", .arraySort: "ARRAY_SORT", .arrayRemove: "ARRAY_REMOVE",
        .arrayExcept: "ARRAY_EXCEPT", .arrayIntersect: "ARRAY_INTERSECT", .arrayUnion: "ARRAY_UNION", .mapEntries: "ENTRIES",
        .mapFromArrays: "AS_MAP", .mapUnion: "MAP_UNION",
        .leftPad: "LPAD", .rightPad: "RPAD", .repeatText: "REPEAT", .concatWithSeparator: "CONCAT_WS", .toBase64: "TO_BASE64",
        .fromBase64: "FROM_BASE64", .logBase: "LOG", .timestampAdd: "TIMESTAMPADD", .timestampDiff: "TIMESTAMPDIFF",
        .unixTimestamp: "UNIX_TIMESTAMP", .fromUnixtime: "FROM_UNIXTIME", .toDate: "TO_DATE", .position: "LOCATE", .jsonString: "JSON_STRING", .jsonArray: "JSON_ARRAY",
        .jsonValue: "JSON_VALUE", .jsonQuery: "JSON_QUERY", .jsonExists: "JSON_EXISTS", .jsonObject: "JSON_OBJECT",
        .jsonQuote: "JSON_QUOTE", .jsonUnquote: "JSON_UNQUOTE",
    ]
}
