/// A backslash command typed at the prompt, psql style.
public enum MetaCommand: Equatable, Sendable {
    case help
    case quit
    /// `\d`: streams and tables; `\d NAME`: one relation's columns, key and watermark.
    case describe(String?)
    case queries
    case include(String)
    /// `\timing [on|off]`; nil toggles.
    case timing(Bool?)
    /// `\x [on|off|auto]`; nil toggles between on and off.
    case expanded(ExpandedMode?)
    /// A command the shell does not know, or a known one with bad arguments: the message.
    case invalid(String)

    public static let names = ["\\?", "\\d", "\\i", "\\q", "\\queries", "\\timing", "\\x"]

    public static let helpText = """
        General
          \\q                  quit (or Ctrl-D)
          \\?                  this help
          \\i FILE             run the statements in FILE
          \\timing [on|off]    show how long each statement takes
          \\x [on|off|auto]    expanded output: one record per block (auto: when a table is too wide)
        Catalog
          \\d                  list streams and tables
          \\d NAME             describe a stream or table: columns, types, key, watermark
          \\queries            list persistent queries (SHOW QUERIES)
        Statements end with ';' and may span lines. A push query (... EMIT CHANGES) prints rows
        as they arrive; Ctrl-C cancels it. Tab completes keywords, names and WITH options.
        """

    /// Parses a line that starts with a backslash.
    public init(parsing line: String) {
        let words = line.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let name = words.first ?? ""
        let arguments = Array(words.dropFirst())
        switch name {
        case "\\?", "\\h", "\\help": self = .help
        case "\\q", "\\quit": self = .quit
        case "\\d", "\\d+", "\\dt":
            self = .describe(arguments.first.map(Self.unquoted))
        case "\\queries": self = .queries
        case "\\i", "\\include":
            guard let file = arguments.first else {
                self = .invalid("\\i needs a file name: \\i FILE")
                return
            }
            self = .include(Self.unquoted(file))
        case "\\timing":
            switch arguments.first?.lowercased() {
            case nil: self = .timing(nil)
            case "on": self = .timing(true)
            case "off": self = .timing(false)
            default: self = .invalid("\\timing takes on or off")
            }
        case "\\x":
            switch arguments.first?.lowercased() {
            case nil: self = .expanded(nil)
            case let word?:
                guard let mode = ExpandedMode(rawValue: word) else {
                    self = .invalid("\\x takes on, off or auto")
                    return
                }
                self = .expanded(mode)
            }
        default:
            self = .invalid("unknown command \(name); \\? lists the commands")
        }
    }

    private static func unquoted(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, first == text.last, first == "'" || first == "\"" else { return text }
        return String(text.dropFirst().dropLast())
    }
}
