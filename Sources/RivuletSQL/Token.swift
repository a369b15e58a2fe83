public import RivuletCore

/// One lexical token with the source text it was read from.
public struct Token: Hashable, Sendable {
    public var kind: TokenKind
    /// The token exactly as written (including quotes).
    public var text: String
    public var span: SourceSpan

    public init(kind: TokenKind, text: String, span: SourceSpan) {
        self.kind = kind
        self.text = text
        self.span = span
    }

    /// How error messages name the token: `'GROUP'`, `')'`, `end of input`.
    public var displayName: String {
        if case .endOfInput = kind { return "end of input" }
        let shown = text.count > 40 ? String(text.prefix(37)) + "..." : text
        return "'\(shown)'"
    }
}

/// What a token is.
public enum TokenKind: Hashable, Sendable {
    /// An unquoted word — keyword or identifier, the parser decides by context. The payload is
    /// the word upper-cased, for case-insensitive keyword matching; `Token.text` keeps the spelling.
    case word(String)
    /// `` `name` `` or `"name"`, unescaped, without the quotes.
    case quotedIdentifier(String)
    /// `'text'` with `''` unescaped to `'`.
    case string(String)
    /// An unsigned number as written: `42`, `3.14`, `.5`, `1e3`.
    case number(String)
    /// `$1`, `$2`, ...
    case parameter(Int)
    case symbol(Symbol)
    case endOfInput
}

/// Operators and punctuation.
public enum Symbol: String, Hashable, Sendable, CaseIterable {
    case leftParen = "("
    case rightParen = ")"
    case comma = ","
    case period = "."
    case semicolon = ";"
    case equal = "="
    case notEqual = "<>"
    /// `!=`, the same operator as `<>`.
    case bangEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case plus = "+"
    case minus = "-"
    case star = "*"
    case slash = "/"
    case percent = "%"
    case concat = "||"
    /// `=>` of named arguments.
    case arrow = "=>"
    /// `::` of Postgres casts (`x::bigint`).
    case doubleColon = "::"
    /// `~` and `!~`: Postgres' regular-expression match and its negation.
    case tilde = "~"
    case notTilde = "!~"
    /// `->` of ksqlDB's struct field access (`s->name`).
    case thinArrow = "->"
    /// `:=` of ksqlDB's `STRUCT(name := value)` and `MAP(key := value)`.
    case colonEqual = ":="
    /// `[` and `]` of `ARRAY[...]`.
    case leftBracket = "["
    case rightBracket = "]"
    /// `?`, `{`, `}` and `|` of MATCH_RECOGNIZE row patterns (`B+?`, `C{1,3}`, `A | B`).
    case question = "?"
    case leftBrace = "{"
    case rightBrace = "}"
    case bar = "|"
}
