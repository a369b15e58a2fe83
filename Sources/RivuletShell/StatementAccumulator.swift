public import RivuletSQL

/// Collects input lines into SQL statements: a statement ends at a `;` outside quotes
/// (`'...'`, `"..."`, `` `...` ``, `$tag$...$tag$`) and comments (`-- ...`, nested `/* ... */`),
/// as psql splits what a user types and as the server splits a query string (`StatementScanner`).
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
    public typealias Context = StatementScanner.Context

    private var pending = ""
    private var pendingLine = 1
    private var pendingColumn = 1
    /// Whether `pending` holds anything besides blanks and comments.
    private var hasContent = false
    private var scanner = StatementScanner()
    private var linesSeen = 0

    public init() {}

    /// True when no statement is in progress (the next line starts a fresh statement).
    public var isEmpty: Bool { !hasContent && scanner.context == .normal }

    /// The scanner state at the end of the input so far (for the continuation prompt).
    public var state: Context { scanner.context }

    /// The text of the unfinished statement, for completion context.
    public var pendingText: String { hasContent ? pending : "" }

    /// Drops the unfinished statement (Ctrl-C at the prompt).
    public mutating func reset() {
        pending = ""
        hasContent = false
        scanner = StatementScanner()
    }

    /// Adds one line of input (without its newline) and returns the statements it completes.
    public mutating func add(line: String) -> [Statement] {
        linesSeen += 1
        var statements: [Statement] = []
        let characters = Array(line) + ["\n"]
        if !hasContent { pending = "" }
        var index = 0
        while let piece = scanner.next(in: characters, at: &index) {
            switch piece.kind {
            case .code:
                // The statement begins at its first character that is neither blank nor comment.
                if !hasContent {
                    hasContent = true
                    pending = ""
                    pendingLine = linesSeen
                    pendingColumn = piece.range.lowerBound + 1
                }
                pending += String(characters[piece.range])
            case .blank, .comment:
                if hasContent { pending += String(characters[piece.range]) }
            case .end:
                if hasContent {
                    statements.append(Statement(text: Self.trimmingTrailingBlanks(pending), line: pendingLine, column: pendingColumn))
                }
                pending = ""
                hasContent = false
            }
        }
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

    private static func trimmingTrailingBlanks(_ text: String) -> String {
        var result = Substring(text)
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return String(result)
    }
}
