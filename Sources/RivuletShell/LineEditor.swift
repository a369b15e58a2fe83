import CReadline
import Glibc

/// Line editing over GNU readline's callback interface: history (kept in a file across runs),
/// tab completion through a Swift function, and Ctrl-C at the prompt clearing the line. The
/// callback interface lets the shell own the wait for input, so a SIGINT interrupts the wait
/// instead of being swallowed by readline.
///
/// readline is a process-wide C library: one `LineEditor` exists at a time, used from one thread.
final class LineEditor {
    enum Input: Equatable {
        case line(String)
        /// Ctrl-C: the line typed so far was discarded.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case endOfInput
    }

    /// Completion: the text of the line before the word being completed, and the word itself;
    /// returns the full words that may replace it, or nil to complete a file name.
    typealias Completer = (_ before: String, _ word: String) -> [String]?

    private let historyFile: String?

    // readline calls plain C functions, which reach the editor through these.
    nonisolated(unsafe) private static var received: String?
    nonisolated(unsafe) private static var ended = false
    nonisolated(unsafe) private static var completer: Completer?
    nonisolated(unsafe) private static var matches: [String] = []
    nonisolated(unsafe) private static var matchIndex = 0

    init(historyFile: String?, completer: @escaping Completer) {
        self.historyFile = historyFile
        Self.completer = completer
        // The shell handles SIGINT itself (see `Interrupts`).
        rivulet_readline_configure(UnsafePointer(strdup("rivulet")), UnsafePointer(strdup(" \t\n\"'`(),;=.<>+-*/|"))) { text, start, _ in
            let line = rivulet_readline_line_buffer().map { Array(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: strlen($0))) } ?? []
            let before = String(decoding: line.prefix(Int(start)), as: UTF8.self)
            let word = text.map { String(cString: $0) } ?? ""
            guard let matches = LineEditor.completer?(before, word) else {
                // readline's own file name completion.
                rivulet_readline_complete_file_names()
                return nil
            }
            LineEditor.matches = matches
            LineEditor.matchIndex = 0
            // Inside quotes ('path' = ...), finish the quote instead of adding a space.
            let quote = before.last.flatMap { $0 == "'" || $0 == "\"" || $0 == "`" ? $0.asciiValue : nil }
            rivulet_readline_completion_over(Int32(quote ?? 32))
            guard !LineEditor.matches.isEmpty else { return nil }
            return rl_completion_matches(text) { _, state in
                if state == 0 { LineEditor.matchIndex = 0 }
                guard LineEditor.matchIndex < LineEditor.matches.count else { return nil }
                defer { LineEditor.matchIndex += 1 }
                return strdup(LineEditor.matches[LineEditor.matchIndex])
            }
        }
        using_history()
        stifle_history(2000)
        if let historyFile {
            if access(historyFile, F_OK) != 0 {
                // Created up front so each statement can be appended as it runs.
                close(open(historyFile, O_CREAT | O_WRONLY, 0o600))
            }
            read_history(historyFile)
        }
    }

    /// Reads one line with `prompt`.
    func readLine(prompt: String) -> Input {
        Self.received = nil
        Self.ended = false
        rl_callback_handler_install(prompt) { line in
            // Removed here, or readline would print the prompt again for a next line.
            rl_callback_handler_remove()
            if let line {
                LineEditor.received = String(cString: line)
                free(line)
            } else {
                LineEditor.ended = true
            }
        }
        defer { rl_callback_handler_remove() }
        while Self.received == nil && !Self.ended {
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, -1)
            if ready < 0 {
                guard errno == EINTR else { return .endOfInput }
                if Interrupts.take() {
                    // Ctrl-C: forget the line and start over on a fresh one, as psql does.
                    rivulet_readline_discard_line()
                    Output.text("\n")
                    return .interrupted
                }
                continue
            }
            if descriptor.revents & Int16(POLLIN | POLLHUP) != 0 {
                rl_callback_read_char()
            } else if descriptor.revents & Int16(POLLERR | POLLNVAL) != 0 {
                return .endOfInput
            }
        }
        if let line = Self.received { return .line(line) }
        // Ctrl-D: readline left the cursor after the prompt.
        Output.text("\n")
        return .endOfInput
    }

    /// Adds a statement or command to the history and appends it to the history file.
    func remember(_ entry: String) {
        guard !entry.isEmpty else { return }
        if let last = rivulet_readline_last_history(), String(cString: last) == entry { return }
        add_history(entry)
        if let historyFile {
            append_history(1, historyFile)
            history_truncate_file(historyFile, 2000)
        }
    }

    /// The terminal's width in columns, when standard output is a terminal.
    static var terminalWidth: Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
