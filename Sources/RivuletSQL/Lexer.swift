public import RivuletCore

/// Splits SQL text into tokens, each with its span. Comments and whitespace are dropped;
/// the result always ends with an `.endOfInput` token.
public struct Lexer {
    private let chars: [Character]
    private var index = 0
    private var line = 1
    private var column = 1

    public init(_ text: String) {
        self.chars = Array(text)
    }

    /// All tokens of `text`, or the first lexical error (unterminated string, quoted identifier
    /// or comment; a character that starts no token).
    public static func tokenize(_ text: String) throws(SQLError) -> [Token] {
        var lexer = Lexer(text)
        return try lexer.tokenize()
    }

    public mutating func tokenize() throws(SQLError) -> [Token] {
        var tokens: [Token] = []
        while true {
            try skipTrivia()
            let start = location
            guard let c = current else {
                tokens.append(Token(kind: .endOfInput, text: "", span: SourceSpan(at: start)))
                return tokens
            }
            let kind: TokenKind
            if c == "e" || c == "E", peek(1) == "'" {
                advance()
                kind = .string(try lexEscapeString(start: start))
            } else if c.isLetter || c == "_" {
                while let d = current, d.isLetter || d.isNumber || d == "_" || d == "$" { advance() }
                kind = .word(text(from: start).uppercased())
            } else if c.isASCIIDigit || (c == "." && peek(1)?.isASCIIDigit == true) {
                kind = try lexNumber(start)
            } else if c == "'" {
                kind = .string(try lexQuoted(quote: "'", start: start, what: "string literal"))
            } else if c == "`" || c == "\"" {
                let name = try lexQuoted(quote: c, start: start, what: "quoted identifier")
                if name.isEmpty {
                    throw SQLError.syntax("empty quoted identifier", at: SourceSpan(start: start, end: location))
                }
                kind = .quotedIdentifier(name)
            } else if c == "$", peek(1)?.isASCIIDigit == true {
                advance()
                while let d = current, d.isASCIIDigit { advance() }
                guard let n = Int(text(from: start).dropFirst()), n > 0 else {
                    throw SQLError.syntax("invalid parameter number \(text(from: start))", at: SourceSpan(start: start, end: location))
                }
                kind = .parameter(n)
            } else if let symbol = lexSymbol() {
                kind = .symbol(symbol)
            } else {
                advance()
                throw SQLError.syntax("unexpected character '\(c)'", at: SourceSpan(start: start, end: location))
            }
            tokens.append(Token(kind: kind, text: text(from: start), span: SourceSpan(start: start, end: location)))
        }
    }

    // MARK: - Characters

    private var current: Character? { index < chars.count ? chars[index] : nil }

    private func peek(_ ahead: Int) -> Character? {
        index + ahead < chars.count ? chars[index + ahead] : nil
    }

    private var location: SourceLocation { SourceLocation(line: line, column: column, offset: index) }

    private mutating func advance() {
        guard index < chars.count else { return }
        if chars[index].isNewline {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private func text(from start: SourceLocation) -> String {
        String(chars[start.offset..<index])
    }

    // MARK: - Pieces

    private mutating func skipTrivia() throws(SQLError) {
        while let c = current {
            if c.isWhitespace {
                advance()
            } else if c == "-", peek(1) == "-" {
                while let d = current, !d.isNewline { advance() }
            } else if c == "/", peek(1) == "*" {
                let start = location
                advance()
                advance()
                while true {
                    guard let d = current else {
                        throw SQLError.syntax("unterminated comment", at: SourceSpan(start: start, end: SourceLocation(line: start.line, column: start.column + 2, offset: start.offset + 2)))
                    }
                    if d == "*", peek(1) == "/" {
                        advance()
                        advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private mutating func lexNumber(_ start: SourceLocation) throws(SQLError) -> TokenKind {
        while let d = current, d.isASCIIDigit { advance() }
        if current == ".", peek(1)?.isASCIIDigit == true {
            advance()
            while let d = current, d.isASCIIDigit { advance() }
        }
        if current == "e" || current == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if let digit = peek(signed ? 2 : 1), digit.isASCIIDigit {
                advance()
                if signed { advance() }
                while let d = current, d.isASCIIDigit { advance() }
            }
        }
        if let d = current, d.isLetter || d == "_" {
            // `12abc`: a number running into a word is a typo, not two tokens.
            while let e = current, e.isLetter || e.isNumber || e == "_" { advance() }
            throw SQLError.syntax("invalid number '\(text(from: start))'", at: SourceSpan(start: start, end: location))
        }
        return .number(text(from: start))
    }

    /// Reads `quote ... quote` with a doubled quote standing for one; returns the content.
    private mutating func lexQuoted(quote: Character, start: SourceLocation, what: String) throws(SQLError) -> String {
        advance()
        var content = ""
        while true {
            guard let c = current else {
                let end = SourceLocation(line: start.line, column: start.column + 1, offset: start.offset + 1)
                throw SQLError.syntax("unterminated \(what)", at: SourceSpan(start: start, end: end))
            }
            advance()
            if c == quote {
                if current == quote {
                    content.append(quote)
                    advance()
                } else {
                    return content
                }
            } else {
                content.append(c)
            }
        }
    }

    /// Postgres' escape string `E'...'` (the `E` read): backslash escapes `\n`, `\t`, `\r`, `\b`,
    /// `\f`, `\\`, `\'`, octal `\ooo`, hexadecimal `\xhh` and `\uXXXX`; any other character after a
    /// backslash stands for itself.
    private mutating func lexEscapeString(start: SourceLocation) throws(SQLError) -> String {
        advance()
        var content = ""
        func digits(_ count: Int, radix: Int) -> UInt32? {
            var value: UInt32 = 0
            var read = 0
            while read < count, let d = current, let digit = d.hexDigitValue, digit < radix {
                value = value * UInt32(radix) + UInt32(digit)
                read += 1
                advance()
            }
            return read == 0 ? nil : value
        }
        while true {
            guard let c = current else {
                let end = SourceLocation(line: start.line, column: start.column + 1, offset: start.offset + 1)
                throw SQLError.syntax("unterminated string literal", at: SourceSpan(start: start, end: end))
            }
            advance()
            if c == "'" {
                guard current == "'" else { return content }
                advance()
                content.append("'")
            } else if c == "\\", let escaped = current {
                advance()
                switch escaped {
                case "n": content.append("\n")
                case "t": content.append("\t")
                case "r": content.append("\r")
                case "b": content.append("\u{8}")
                case "f": content.append("\u{c}")
                case "x":
                    if let code = digits(2, radix: 16), let scalar = Unicode.Scalar(code) { content.append(Character(scalar)) } else { content.append("x") }
                case "u":
                    if let code = digits(4, radix: 16), let scalar = Unicode.Scalar(code) { content.append(Character(scalar)) } else { content.append("u") }
                case "0"..."7":
                    var code = UInt32(escaped.hexDigitValue!)
                    var read = 1
                    while read < 3, let d = current, let digit = d.hexDigitValue, digit < 8 {
                        code = code * 8 + UInt32(digit)
                        read += 1
                        advance()
                    }
                    if let scalar = Unicode.Scalar(code) { content.append(Character(scalar)) }
                default: content.append(escaped)
                }
            } else {
                content.append(c)
            }
        }
    }

    private mutating func lexSymbol() -> Symbol? {
        guard let c = current else { return nil }
        let next = peek(1)
        let symbol: Symbol?
        var width = 1
        switch c {
        case "(": symbol = .leftParen
        case ")": symbol = .rightParen
        case ",": symbol = .comma
        case ".": symbol = .period
        case ";": symbol = .semicolon
        case "+": symbol = .plus
        case "-":
            if next == ">" { symbol = .thinArrow; width = 2 } else { symbol = .minus }
        case "*": symbol = .star
        case "/": symbol = .slash
        case "%": symbol = .percent
        case "=":
            if next == ">" { symbol = .arrow; width = 2 } else { symbol = .equal }
        case "<":
            if next == ">" { symbol = .notEqual; width = 2 }
            else if next == "=" { symbol = .lessOrEqual; width = 2 }
            else { symbol = .less }
        case ">":
            if next == "=" { symbol = .greaterOrEqual; width = 2 } else { symbol = .greater }
        case "!":
            if next == "=" { symbol = .bangEqual; width = 2 }
            else if next == "~" { symbol = .notTilde; width = 2 }
            else { symbol = nil }
        case "~": symbol = .tilde
        case "[": symbol = .leftBracket
        case "]": symbol = .rightBracket
        case "?": symbol = .question
        case "{": symbol = .leftBrace
        case "}": symbol = .rightBrace
        case "|":
            if next == "|" { symbol = .concat; width = 2 } else { symbol = .bar }
        case ":":
            if next == ":" { symbol = .doubleColon; width = 2 }
            else if next == "=" { symbol = .colonEqual; width = 2 }
            else { symbol = nil }
        default: symbol = nil
        }
        if symbol != nil {
            for _ in 0..<width { advance() }
        }
        return symbol
    }
}
