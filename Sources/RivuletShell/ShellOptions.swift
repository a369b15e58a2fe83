import Glibc

/// How `rivulet shell` was started.
public struct ShellOptions: Sendable {
    public var connection: PGConnection.Parameters
    /// `-f FILE`: run this script and exit.
    public var file: String?
    /// Where history is kept; nil keeps none.
    public var historyFile: String?

    public init(connection: PGConnection.Parameters, file: String? = nil, historyFile: String? = Self.defaultHistoryFile) {
        self.connection = connection
        self.file = file
        self.historyFile = historyFile
    }

    /// `~/.rivulet_history`, with `~` from `$HOME`.
    public static var defaultHistoryFile: String? {
        guard let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty else { return nil }
        return (home.hasSuffix("/") ? home : home + "/") + ".rivulet_history"
    }
}
