import Foundation
import Glibc
import RivuletCore

/// `rivulet shell`: reads statements (from the terminal with line editing, from `-f FILE`, or
/// from piped standard input), sends each to the server and prints what comes back.
public final class Shell {
    private let options: ShellOptions
    private var connection: PGConnection
    private var timing = false
    private var expanded = ExpandedMode.auto
    /// Names for completion; nil after a statement that may have changed them.
    private var catalog: CompletionCatalog?
    private var accumulator = StatementAccumulator()

    /// Where a statement came from, for error messages: a script names its file and lines.
    private struct Source {
        var text: String?
        var fileName: String?
    }

    private init(options: ShellOptions, connection: PGConnection) {
        self.options = options
        self.connection = connection
    }

    /// Runs the shell and returns its exit status: 0, 1 when a statement of a script failed,
    /// 2 when the server could not be reached.
    public static func run(_ options: ShellOptions) -> Int32 {
        let interactive = options.file == nil && isatty(STDIN_FILENO) == 1
        var parameters = options.connection
        let connection: PGConnection
        do throws(PGConnection.ConnectionError) {
            connection = try PGConnection(parameters)
        } catch let error where error.needsPassword && isatty(STDIN_FILENO) == 1 {
            guard let entered = getpass("Password for user \(parameters.user): ") else { return 2 }
            parameters.password = String(cString: entered)
            do throws(PGConnection.ConnectionError) {
                connection = try PGConnection(parameters)
            } catch {
                Output.error("rivulet shell: \(error.message)")
                return 2
            }
        } catch {
            Output.error("rivulet shell: \(error.message)")
            return 2
        }
        var resolved = options
        resolved.connection = parameters
        let shell = Shell(options: resolved, connection: connection)
        Interrupts.install()
        if let file = options.file {
            return shell.runFile(file) ? 0 : 1
        }
        if interactive { return shell.interact() }
        return shell.runStandardInput() ? 0 : 1
    }

    // MARK: Input loops

    private func interact() -> Int32 {
        Output.line("rivulet shell, connected to \(options.connection.address) as \(options.connection.user). Type \\? for help, \\q to quit.")
        let editor = LineEditor(historyFile: options.historyFile) { [unowned self] before, word in
            if Completion.completesFileName(before: before) { return nil }
            let pending = self.accumulator.pendingText
            return Completion(catalog: self.completionCatalog()).candidates(before: pending + before, word: word)
        }
        var entry: [String] = []
        while true {
            switch editor.readLine(prompt: prompt) {
            case .endOfInput:
                return 0
            case .interrupted:
                accumulator.reset()
                entry = []
            case .line(let line):
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if accumulator.isEmpty {
                    if trimmed.hasPrefix("\\") {
                        editor.remember(trimmed)
                        if !runMetaCommand(MetaCommand(parsing: trimmed), stopOnError: false) { return 0 }
                        continue
                    }
                    if ["quit", "exit", "\\q"].contains(trimmed.lowercased()) { return 0 }
                    if trimmed.isEmpty { continue }
                }
                entry.append(line)
                // A statement recalled from history holds several lines.
                var statements: [StatementAccumulator.Statement] = []
                for part in line.split(separator: "\n", omittingEmptySubsequences: false) {
                    statements += accumulator.add(line: String(part))
                }
                if accumulator.isEmpty {
                    editor.remember(entry.joined(separator: "\n"))
                    entry = []
                }
                for statement in statements {
                    // Lines count from the statement's own first line at the prompt.
                    let local = StatementAccumulator.Statement(text: statement.text, line: 1, column: 1)
                    _ = execute(local, source: Source(text: statement.text, fileName: nil))
                }
            }
        }
    }

    /// The prompt: `rivulet=> ` for a new statement, `rivulet-> ` to continue one, with the
    /// open quote or comment in place of `-` (`'`, `"`, `` ` ``, `$`, `*`).
    private var prompt: String {
        if accumulator.isEmpty { return "rivulet=> " }
        switch accumulator.state {
        case .normal, .lineComment: return "rivulet-> "
        case .singleQuote: return "rivulet'> "
        case .doubleQuote: return "rivulet\"> "
        case .backtick: return "rivulet`> "
        case .dollarQuote: return "rivulet$> "
        case .blockComment: return "rivulet*> "
        }
    }

    private func runFile(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            Output.error("rivulet shell: cannot read \(path)")
            return false
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.trimmingSuffix("\r")) }
        return runScript(lines, source: Source(text: text, fileName: path))
    }

    private func runStandardInput() -> Bool {
        let succeeded = runScript(InputLines(), source: Source(text: nil, fileName: nil))
        // Ctrl-C while waiting for input ends the read like an end of input; it is not a success.
        return succeeded && !Interrupts.take()
    }

    /// Runs the statements of a script in order; stops at the first that fails.
    private func runScript<Lines: Sequence<String>>(_ lines: Lines, source: Source) -> Bool {
        var script = StatementAccumulator()
        for line in lines {
            if script.isEmpty, line.trimmingCharacters(in: .whitespaces).hasPrefix("\\") {
                let command = MetaCommand(parsing: line.trimmingCharacters(in: .whitespaces))
                if command == .quit { return true }
                if !runMetaCommand(command, stopOnError: true) { return false }
                _ = script.add(line: "")
                continue
            }
            for statement in script.add(line: line) {
                if !execute(statement, script: source) { return false }
            }
        }
        if let last = script.finish() { return execute(last, script: source) }
        return true
    }

    private func execute(_ statement: StatementAccumulator.Statement, script source: Source) -> Bool {
        if source.text != nil { return execute(statement, source: source) }
        // Piped input: lines count from the statement's start.
        let local = StatementAccumulator.Statement(text: statement.text, line: 1, column: 1)
        return execute(local, source: Source(text: statement.text, fileName: nil))
    }

    // MARK: Statements

    /// Sends one statement and prints its results; false when it failed.
    private func execute(_ statement: StatementAccumulator.Statement, source: Source) -> Bool {
        guard ensureConnected() else { return false }
        let streaming = statement.isPushQuery
        let printer = ResultPrinter(streaming: streaming, expanded: expanded, terminalWidth: LineEditor.terminalWidth)
        let started = ContinuousClock.now
        let (lost, interrupted) = Interrupts.cancelling(with: connection.makeCancelHandle()) { () -> PGConnection.ConnectionError? in
            do throws(PGConnection.ConnectionError) {
                try connection.run(statement.text, streaming: streaming, printer.handle)
                return nil
            } catch {
                return error
            }
        }
        if timing { Output.line("Time: \(Self.milliseconds(ContinuousClock.now - started)) ms") }
        if statement.changesCatalog { catalog = nil }
        if let lost {
            Output.error("rivulet shell: \(lost.message)")
            reconnect()
            return false
        }
        if let error = printer.error {
            if interrupted, error.sqlState == SQLState.queryCanceled.code {
                Output.error("Query cancelled.")
            } else {
                var rendered = error.sqlError(in: statement).rendered(source: source.text, fileName: source.fileName)
                if error.position == nil, let fileName = source.fileName {
                    // No caret to place: the statement's first line still says where it is.
                    var lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    lines[0] += " (\(fileName): line \(statement.line))"
                    rendered = lines.joined(separator: "\n")
                }
                Output.error(rendered)
            }
            return false
        }
        return true
    }

    /// Reconnects when the server closed the connection since the last statement (it was
    /// restarted); false, with a message, when it cannot be reached.
    private func ensureConnected() -> Bool {
        if connection.checkAlive() { return true }
        return reconnect()
    }

    @discardableResult
    private func reconnect() -> Bool {
        catalog = nil
        do throws(PGConnection.ConnectionError) {
            try connection.reconnect()
            Output.error("rivulet shell: reconnected to the server at \(options.connection.address)")
            return true
        } catch {
            Output.error("rivulet shell: \(error.message)")
            return false
        }
    }

    /// Runs `sql` quietly and returns its rows (nil when it failed).
    private func rows(of sql: String) -> [[String?]]? {
        var rows: [[String?]] = []
        var failed = false
        do {
            try connection.run(sql, streaming: false) { event in
                switch event {
                case .row(let row): rows.append(row)
                case .failed: failed = true
                default: break
                }
            }
        } catch {
            return nil
        }
        return failed ? nil : rows
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return String(format: "%.3f", millis)
    }

    // MARK: Meta-commands

    /// Runs a backslash command; false to stop (`\q`, or a failure when `stopOnError`).
    private func runMetaCommand(_ command: MetaCommand, stopOnError: Bool) -> Bool {
        let internalStatement = { (sql: String) -> Bool in
            self.execute(StatementAccumulator.Statement(text: sql, line: 1, column: 1), source: Source(text: sql, fileName: nil))
        }
        switch command {
        case .help:
            Output.line(MetaCommand.helpText)
        case .quit:
            return false
        case .describe(nil):
            guard ensureConnected() else { return !stopOnError }
            guard let streams = rows(of: "SHOW STREAMS"), let tables = rows(of: "SHOW TABLES") else {
                Output.error("rivulet shell: could not list streams and tables")
                return !stopOnError
            }
            let listed = streams.map { [$0.first ?? nil, "stream"] + $0.dropFirst() } + tables.map { [$0.first ?? nil, "table"] + $0.dropFirst() }
            let table = ResultTable(headers: ["name", "kind", "connector", "columns"], alignments: [.left, .left, .left, .right], rows: listed)
            Output.line(table.rendered(expanded: expanded, terminalWidth: LineEditor.terminalWidth))
        case .describe(let name?):
            if !internalStatement("DESCRIBE \(name)") { return !stopOnError }
        case .queries:
            if !internalStatement("SHOW QUERIES") { return !stopOnError }
        case .include(let path):
            if !runFile(path) { return !stopOnError }
        case .timing(let setting):
            timing = setting ?? !timing
            Output.line("Timing is \(timing ? "on" : "off").")
        case .expanded(let setting):
            expanded = setting ?? (expanded == .on ? .off : .on)
            Output.line("Expanded display is \(expanded == .auto ? "used automatically" : expanded.rawValue).")
        case .invalid(let message):
            Output.error("rivulet shell: \(message)")
            return !stopOnError
        }
        return true
    }

    // MARK: Completion

    /// The server's names, fetched on first use after a change.
    private func completionCatalog() -> CompletionCatalog {
        if let catalog { return catalog }
        guard connection.checkAlive() else { return CompletionCatalog() }
        let streams = (rows(of: "SHOW STREAMS") ?? []).compactMap { $0.first ?? nil }
        let tables = (rows(of: "SHOW TABLES") ?? []).compactMap { $0.first ?? nil }
        let views = (rows(of: "SHOW VIEWS") ?? []).compactMap { $0.first ?? nil }
        var columns: [String: [String]] = [:]
        for name in streams + tables + views {
            columns[name.lowercased()] = (rows(of: "DESCRIBE \(Self.quoted(name))") ?? []).compactMap { $0.first ?? nil }
        }
        var options: [String: [String]] = [:]
        for row in rows(of: "SHOW CONNECTOR TYPES") ?? [] where row.count >= 2 {
            guard let name = row[0] else { continue }
            options[name.lowercased()] = (row[1] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        let functions = (rows(of: "SHOW FUNCTIONS") ?? []).compactMap { $0.first ?? nil }
        let queries = (rows(of: "SHOW QUERIES") ?? []).compactMap { $0.first ?? nil }
        let fetched = CompletionCatalog(
            streams: streams, tables: tables, views: views, columns: columns, connectorOptions: options, functions: functions,
            queries: queries)
        catalog = fetched
        return fetched
    }

    private static func quoted(_ name: String) -> String {
        let plain = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && name == name.lowercased()
        return plain ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self
    }
}
