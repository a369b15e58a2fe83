public import RivuletCore

/// Finds where SQL statements end without parsing them: a statement ends at a `;` outside
/// quotes and comments. The server splits a query string with it and the shell splits what a
/// user types, so both agree on where a statement ends.
///
/// The rules are Postgres's, as psql applies them:
/// - `'...'` strings, with `''` for a quote inside;
/// - `"..."` identifiers, with `""` inside, and Flink's `` `...` `` identifiers likewise;
/// - `$tag$...$tag$` dollar quotes (`$$...$$` too), where the tag is a letter or `_` followed by
///   letters, digits or `_`; a `$` inside a word (`a$b`) or before a digit (`$1`) starts none;
/// - `-- ...` comments to the end of the line and `/* ... */` comments, which nest;
/// - Flink's statement sets, `EXECUTE STATEMENT SET BEGIN ...; ...; END;` and `BEGIN STATEMENT
///   SET; ...; END;`, are one statement: their inner `;`s end nothing until the one after a
///   statement of the single word `END`.
///
/// The scanner reads text in chunks (the shell's lines, each with its newline) and keeps its
/// context from one chunk to the next; a quote or comment never needs to look past the end of
/// a line, so a chunk is never split inside a token it has to recognize.
public struct StatementScanner: Hashable, Sendable {
    /// Where the scanner stands between two characters.
    public enum Context: Hashable, Sendable {
        case normal
        case singleQuote
        case doubleQuote
        case backtick
        case dollarQuote(tag: String)
        case lineComment
        case blockComment(depth: Int)
    }

    /// What a run of characters is to the statement around it.
    public enum Kind: Hashable, Sendable {
        /// Statement text: words, symbols, quoted strings and identifiers.
        case code
        /// Blanks between tokens.
        case blank
        /// A comment, or part of one.
        case comment
        /// The `;` that ends a statement.
        case end
    }

    /// A run of characters of one kind: `characters[range]`.
    public struct Piece: Hashable, Sendable {
        public var kind: Kind
        public var range: Range<Int>
    }

    public private(set) var context = Context.normal
    /// Whether the last character read continues a word, so a `$` after it is part of the word.
    private var inWord = false
    /// The word being read, and the first words (upper-cased) since the last `;`.
    private var word = ""
    private var leadingWords: [String] = []
    /// Whether a statement set is open, so a `;` ends only its `END`.
    private var inStatementSet = false

    public init() {}

    /// Reads the next piece of `characters` from `index` and moves `index` past it; nil at the end.
    public mutating func next(in characters: [Character], at index: inout Int) -> Piece? {
        guard index < characters.count else { return nil }
        let start = index
        let kind: Kind
        switch context {
        case .normal:
            kind = readNormal(characters, &index)
        case .singleQuote, .doubleQuote, .backtick:
            readQuoted(characters, &index)
            kind = .code
        case .dollarQuote(let tag):
            readDollarQuoted(characters, &index, tag: tag)
            kind = .code
        case .lineComment:
            while index < characters.count, !characters[index].isNewline { index += 1 }
            if index < characters.count { context = .normal }
            kind = .comment
        case .blockComment:
            readBlockComment(characters, &index)
            kind = .comment
        }
        return Piece(kind: kind, range: start..<index)
    }

    private mutating func readNormal(_ characters: [Character], _ index: inout Int) -> Kind {
        let character = characters[index]
        let following = index + 1 < characters.count ? characters[index + 1] : nil
        if !(character.isLetter || character.isNumber || character == "_") { endWord() }
        if character.isWhitespace {
            while index < characters.count, characters[index].isWhitespace { index += 1 }
            inWord = false
            return .blank
        }
        if character == "-", following == "-" {
            context = .lineComment
            index += 2
            inWord = false
            return .comment
        }
        if character == "/", following == "*" {
            context = .blockComment(depth: 1)
            index += 2
            inWord = false
            return .comment
        }
        if character == ";" {
            index += 1
            inWord = false
            return endsStatement() ? .end : .code
        }
        switch character {
        case "'": context = .singleQuote
        case "\"": context = .doubleQuote
        case "`": context = .backtick
        case "$" where !inWord:
            if let tag = Self.dollarTag(characters, at: index) {
                context = .dollarQuote(tag: tag)
                index += tag.count + 2
                inWord = false
                return .code
            }
        default: break
        }
        inWord = character.isLetter || character.isNumber || character == "_" || (character == "$" && inWord)
        if character.isLetter || character.isNumber || character == "_" { word.append(character) }
        index += 1
        return .code
    }

    private mutating func endWord() {
        guard !word.isEmpty else { return }
        if leadingWords.count < 4 { leadingWords.append(word.uppercased()) }
        word = ""
    }

    /// Whether the `;` just read ends a statement: one outside a statement set, or the one after
    /// its `END`. A `;` after `EXECUTE STATEMENT SET BEGIN ...` or `BEGIN STATEMENT SET` opens one.
    private mutating func endsStatement() -> Bool {
        defer { leadingWords.removeAll(keepingCapacity: true) }
        if inStatementSet {
            if leadingWords == ["END"] { inStatementSet = false }
            return !inStatementSet
        }
        if leadingWords == ["EXECUTE", "STATEMENT", "SET", "BEGIN"] || leadingWords.starts(with: ["BEGIN", "STATEMENT", "SET"]) {
            inStatementSet = true
            return false
        }
        return true
    }

    /// Reads up to and including the closing quote, or to the end of the chunk.
    private mutating func readQuoted(_ characters: [Character], _ index: inout Int) {
        let close: Character = context == .singleQuote ? "'" : context == .doubleQuote ? "\"" : "`"
        while index < characters.count {
            let character = characters[index]
            index += 1
            guard character == close else { continue }
            // A doubled quote stands for one quote inside.
            if index < characters.count, characters[index] == close {
                index += 1
                continue
            }
            context = .normal
            inWord = false
            return
        }
    }

    private mutating func readDollarQuoted(_ characters: [Character], _ index: inout Int, tag: String) {
        let closing = Array("$" + tag + "$")
        while index < characters.count {
            if characters[index] == "$", characters[index...].starts(with: closing) {
                index += closing.count
                context = .normal
                inWord = false
                return
            }
            index += 1
        }
    }

    private mutating func readBlockComment(_ characters: [Character], _ index: inout Int) {
        guard case .blockComment(var depth) = context else { return }
        while index < characters.count {
            let character = characters[index]
            let following = index + 1 < characters.count ? characters[index + 1] : nil
            if character == "*", following == "/" {
                index += 2
                depth -= 1
                if depth == 0 {
                    context = .normal
                    return
                }
            } else if character == "/", following == "*" {
                index += 2
                depth += 1
            } else {
                index += 1
            }
        }
        context = .blockComment(depth: depth)
    }

    /// The tag of a dollar quote opening at `index` (`$$` → "", `$body$` → "body"), or nil when
    /// the `$` starts something else (`$1`).
    private static func dollarTag(_ characters: [Character], at index: Int) -> String? {
        var end = index + 1
        while end < characters.count, characters[end] != "$" {
            let character = characters[end]
            let allowed = character == "_" || character.isLetter || (end > index + 1 && character.isNumber)
            guard allowed else { return nil }
            end += 1
        }
        guard end < characters.count else { return nil }
        return String(characters[(index + 1)..<end])
    }
}

extension StatementScanner {
    /// One `;`-separated statement of a text, with where it starts.
    public struct Statement: Hashable, Sendable {
        /// The text between the previous `;` (or the start) and this statement's `;` (or the
        /// end), blanks and comments included, without the `;`.
        public var text: String
        /// Where `text` starts in the whole text (offset in Characters, 1-based line and column).
        public var start: SourceLocation
        /// Whether `text` holds anything besides blanks and comments.
        public var hasCode: Bool
    }

    /// Splits `text` at every `;` outside quotes and comments. The last statement is the text
    /// after the last `;`; `context` tells whether the text ends inside a quote or comment.
    public static func split(_ text: String) -> (statements: [Statement], context: Context) {
        let characters = Array(text)
        var scanner = StatementScanner()
        var statements: [Statement] = []
        var current = Statement(text: "", start: SourceLocation(line: 1, column: 1, offset: 0), hasCode: false)
        var location = current.start
        var index = 0
        while let piece = scanner.next(in: characters, at: &index) {
            for character in characters[piece.range] {
                location.offset += 1
                if character.isNewline {
                    location.line += 1
                    location.column = 1
                } else {
                    location.column += 1
                }
            }
            if piece.kind == .end {
                statements.append(current)
                current = Statement(text: "", start: location, hasCode: false)
            } else {
                current.text += String(characters[piece.range])
                if piece.kind == .code { current.hasCode = true }
            }
        }
        statements.append(current)
        return (statements, scanner.context)
    }
}
