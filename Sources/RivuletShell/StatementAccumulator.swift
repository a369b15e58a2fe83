/// Collects input lines into SQL statements: a statement ends at a `;` outside quotes
/// (`'...'`, `"..."`, `` `...` ``, `$tag$...$tag$`) and comments (`-- ...`, nested `/* ... */`),
/// as psql splits what a user types.
public struct StatementAccumulator: Sendable {
    /// One complete statement, without its `;`.
    public struct Statement: Hashable, Sendable {
        /// The statement text from its first non-blank character; comments inside are kept.
        public var text: String
        /// The 1-based input line and column where `text` starts.
        public var line: Int
        public var column: Int

        public init(text: String, line: Int, column: Int) {
            self.text = text
            self.line = line
            self.column = column
        }
    }

    /// Where the scanner stands at the end of the text seen so far.
    public enum Context: Hashable, Sendable {
        case normal
        case singleQuote
        case doubleQuote
        case backtick
        case dollarQuote(tag: String)
        case blockComment(depth: Int)
    }

    private var pending = ""
    private var pendingLine = 1
    private var pendingColumn = 1
    /// Whether `pending` holds anything besides blanks and comments.
    private var hasContent = false
    private var context = Context.normal
    private var linesSeen = 0

    public init() {}

    /// True when no statement is in progress (the next line starts a fresh statement).
    public var isEmpty: Bool { !hasContent && context == .normal }

    /// The scanner state at the end of the input so far (for the continuation prompt).
    public var state: Context { context }

    /// The text of the unfinished statement, for completion context.
    public var pendingText: String { hasContent ? pending : "" }

    /// Drops the unfinished statement (Ctrl-C at the prompt).
    public mutating func reset() {
        pending = ""
        hasContent = false
        context = .normal
    }

    /// Adds one line of input (without its newline) and returns the statements it completes.
    public mutating func add(line: String) -> [Statement] {
        linesSeen += 1
        var statements: [Statement] = []
        let characters = Array(line)
        var index = 0
        if !hasContent { pending = "" }
        // Where the current statement began on this line, when it began here.
        func begin(at column: Int) {
            if !hasContent {
                hasContent = true
                pending = ""
                pendingLine = linesSeen
                pendingColumn = column
            }
        }
        while index < characters.count {
            let character = characters[index]
            switch context {
            case .singleQuote, .doubleQuote, .backtick:
                let close: Character = context == .singleQuote ? "'" : context == .doubleQuote ? "\"" : "`"
                pending.append(character)
                if character == close {
                    if index + 1 < characters.count, characters[index + 1] == close {
                        pending.append(close)
                        index += 1
                    } else {
                        context = .normal
                    }
                }
                index += 1
            case .dollarQuote(let tag):
                let closing = Array("$" + tag + "$")
                if character == "$", characters[index...].starts(with: closing) {
                    pending.append(contentsOf: String(closing))
                    index += closing.count
                    context = .normal
                } else {
                    pending.append(character)
                    index += 1
                }
            case .blockComment(let depth):
                if character == "*", index + 1 < characters.count, characters[index + 1] == "/" {
                    if hasContent { pending.append("*/") }
                    index += 2
                    context = depth == 1 ? .normal : .blockComment(depth: depth - 1)
                } else if character == "/", index + 1 < characters.count, characters[index + 1] == "*" {
                    if hasContent { pending.append("/*") }
                    index += 2
                    context = .blockComment(depth: depth + 1)
                } else {
                    if hasContent { pending.append(character) }
                    index += 1
                }
            case .normal:
                if character == "-", index + 1 < characters.count, characters[index + 1] == "-" {
                    // A line comment runs to the end of the line.
                    if hasContent { pending.append(contentsOf: String(characters[index...])) }
                    index = characters.count
                } else if character == "/", index + 1 < characters.count, characters[index + 1] == "*" {
                    if hasContent { pending.append("/*") }
                    context = .blockComment(depth: 1)
                    index += 2
                } else if character == ";" {
                    if hasContent {
                        statements.append(Statement(text: Self.trimmingTrailingBlanks(pending), line: pendingLine, column: pendingColumn))
                    }
                    pending = ""
                    hasContent = false
                    index += 1
                } else if character.isWhitespace {
                    if hasContent { pending.append(character) }
                    index += 1
                } else {
                    begin(at: index + 1)
                    pending.append(character)
                    switch character {
                    case "'": context = .singleQuote
                    case "\"": context = .doubleQuote
                    case "`": context = .backtick
                    case "$":
                        if let tag = Self.dollarTag(characters, at: index) {
                            pending.append(contentsOf: tag + "$")
                            index += tag.count + 1
                            context = .dollarQuote(tag: tag)
                        }
                    default: break
                    }
                    index += 1
                }
            }
        }
        if hasContent { pending.append("\n") }
        return statements
    }

    /// The unfinished statement at the end of the input (a script whose last statement has no
    /// `;`), or nil when there is none.
    public mutating func finish() -> Statement? {
        defer { reset() }
        guard hasContent else { return nil }
        let text = Self.trimmingTrailingBlanks(pending)
        return text.isEmpty ? nil : Statement(text: text, line: pendingLine, column: pendingColumn)
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

    private static func trimmingTrailingBlanks(_ text: String) -> String {
        var result = Substring(text)
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return String(result)
    }
}
