import RivuletCore

/// A hand-written recursive-descent parser over the tokens of one text. Each construct lives in
/// its own `Parser+Construct.swift`; this file holds the token cursor and the error helpers that
/// give every syntax error the same wording: `expected <what> [<context>], found <token>`.
struct Parser {
    /// Deeper nesting than this is rejected instead of risking the stack.
    static let maxDepth = 150
    /// The most binary operators an expression may chain (`1 + 1 + ...`, `a OR b OR ...`),
    /// counted along the path from the root to the deepest operand, nested chains included.
    /// Every stage after the parser walks the expression tree recursively, so a longer chain is
    /// refused (54001) rather than risking the stack of a thread that plans it.
    static let maxOperatorChain = 256

    let tokens: [Token]
    let characters: [Character]
    var position = 0
    var depth = 0
    /// Binary operators on the path being parsed (see `maxOperatorChain`).
    var chain = 0

    init(_ text: String) throws(SQLError) {
        self.tokens = try Lexer.tokenize(text)
        self.characters = Array(text)
    }

    // MARK: - Cursor

    var current: Token { tokens[position] }

    func peek(_ ahead: Int = 1) -> Token {
        tokens[min(position + ahead, tokens.count - 1)]
    }

    var atEnd: Bool {
        if case .endOfInput = current.kind { return true }
        return false
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    /// Where the last consumed token ended.
    var previousEnd: SourceLocation {
        position == 0 ? current.span.start : tokens[position - 1].span.end
    }

    /// From `start` to the end of the last consumed token.
    func span(from start: SourceLocation) -> SourceSpan {
        SourceSpan(start: start, end: max(start, previousEnd))
    }

    // MARK: - Matching

    func isWord(_ word: String, at ahead: Int = 0) -> Bool {
        if case .word(let w) = peek(ahead).kind { return w == word }
        return false
    }

    func isSymbol(_ symbol: Symbol, at ahead: Int = 0) -> Bool {
        if case .symbol(let s) = peek(ahead).kind { return s == symbol }
        return false
    }

    /// The upper-cased word at `ahead`, if that token is an unquoted word.
    func word(at ahead: Int = 0) -> String? {
        if case .word(let w) = peek(ahead).kind { return w }
        return nil
    }

    mutating func consumeWord(_ word: String) -> Bool {
        guard isWord(word) else { return false }
        advance()
        return true
    }

    /// Consumes the words in order if all are next.
    mutating func consumeWords(_ words: String...) -> Bool {
        for (i, w) in words.enumerated() where !isWord(w, at: i) { return false }
        for _ in words { advance() }
        return true
    }

    mutating func consumeSymbol(_ symbol: Symbol) -> Bool {
        guard isSymbol(symbol) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expectWord(_ word: String, _ context: String? = nil) throws(SQLError) -> Token {
        guard isWord(word) else { throw expected(word, context) }
        return advance()
    }

    @discardableResult
    mutating func expectSymbol(_ symbol: Symbol, _ context: String? = nil) throws(SQLError) -> Token {
        guard isSymbol(symbol) else { throw expected("'\(symbol.rawValue)'", context) }
        return advance()
    }

    // MARK: - Errors

    /// `expected <what> [<context>], found <current token>`, pointing at the current token, with a
    /// "did you mean" hint when the token looks like a misspelling of a keyword named in `what`.
    func expected(_ what: String, _ context: String? = nil) -> SQLError {
        expected(what, context, at: current)
    }

    func expected(_ what: String, _ context: String? = nil, at token: Token) -> SQLError {
        let phrase = context.map { "\(what) \($0)" } ?? what
        var error = SQLError.expected(phrase, found: token.displayName, at: token.span)
        if case .word(let found) = token.kind {
            let candidates = Parser.keywordsNamed(in: what)
            if let suggestion = Keywords.suggestion(for: found, among: candidates) {
                error.hint = "did you mean \(suggestion)?"
            }
        }
        return error
    }

    /// The upper-case keywords a description like `STREAM, TABLE or VIEW` names.
    static func keywordsNamed(in text: String) -> [String] {
        let known = Set(Keywords.all)
        return text.split(whereSeparator: { !($0.isLetter || $0 == "_") })
            .map(String.init)
            .filter { $0.count > 1 && $0 == $0.uppercased() && known.contains($0) }
    }

    // MARK: - Nesting

    /// Counts one level of nesting; throws when the text nests too deeply to parse safely.
    mutating func enter() throws(SQLError) {
        depth += 1
        if depth > Parser.maxDepth {
            throw SQLError.syntax("statement nests too deeply (more than \(Parser.maxDepth) levels)", at: current.span)
        }
    }

    mutating func leave() {
        depth -= 1
    }

    // MARK: - Names

    /// Whether the current token can be a name: a quoted identifier or an unreserved word.
    var atIdentifier: Bool {
        switch current.kind {
        case .quotedIdentifier: return true
        case .word(let w): return !Keywords.reserved.contains(w)
        default: return false
        }
    }

    /// A name; `what` describes it in the error (`a column name`).
    mutating func parseIdentifier(_ what: String = "an identifier", _ context: String? = nil) throws(SQLError) -> Identifier {
        let token = current
        switch token.kind {
        case .quotedIdentifier(let name):
            advance()
            return Identifier(name, quoted: true, span: token.span)
        case .word(let w) where !Keywords.reserved.contains(w):
            advance()
            return Identifier(token.text, quoted: false, span: token.span)
        default:
            throw expected(what, context)
        }
    }

    /// A name after a `.`: any word is allowed there, reserved or not (`t.from`).
    mutating func parseIdentifierAfterPeriod(_ what: String) throws(SQLError) -> Identifier {
        let token = current
        switch token.kind {
        case .quotedIdentifier(let name):
            advance()
            return Identifier(name, quoted: true, span: token.span)
        case .word:
            advance()
            return Identifier(token.text, quoted: false, span: token.span)
        default:
            throw expected(what, "after '.'")
        }
    }

    /// `a`, `a.b`, `a.b.c`
    mutating func parseObjectName(_ what: String = "a name", _ context: String? = nil) throws(SQLError) -> ObjectName {
        var parts = [try parseIdentifier(what, context)]
        while isSymbol(.period) {
            advance()
            parts.append(try parseIdentifierAfterPeriod(what))
        }
        return ObjectName(parts)
    }

    /// `(a, b, c)`
    mutating func parseParenthesizedIdentifiers(_ what: String, _ context: String) throws(SQLError) -> [Identifier] {
        try expectSymbol(.leftParen, context)
        var names: [Identifier] = []
        repeat {
            names.append(try parseIdentifier(what))
        } while consumeSymbol(.comma)
        try expectSymbol(.rightParen, "after \(what)")
        return names
    }

    /// Parses `item (, item)*`.
    mutating func parseCommaSeparated<T>(_ item: (inout Parser) throws(SQLError) -> T) throws(SQLError) -> [T] {
        var items = [try item(&self)]
        while consumeSymbol(.comma) {
            items.append(try item(&self))
        }
        return items
    }

    // MARK: - Source text

    func text(of span: SourceSpan) -> String {
        let start = max(0, min(span.start.offset, characters.count))
        let end = max(start, min(span.end.offset, characters.count))
        return String(characters[start..<end])
    }
}
