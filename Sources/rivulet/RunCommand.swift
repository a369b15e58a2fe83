import ArgumentParser
import Foundation
import RivuletCore
import RivuletEngine
import RivuletSQL

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a SQL script in-process until its bounded sources are exhausted.",
        discussion: """
            Statements run in order; the queries they define (INSERT INTO ... SELECT, CREATE ... AS SELECT, \
            SELECT) then run in the order they were written, each until its sources are exhausted and the \
            final watermark has closed every window. Relative paths in WITH options resolve against the \
            script's folder. ${NAME} in the script is replaced by --define NAME=VALUE or the environment; an \
            undefined one is an error. --init scripts run first, as Flink's SQL client runs its -i files: \
            `rivulet run -i ddl_gen.sql -i ddl_views.sql q5.sql` runs a Nexmark query as Nexmark ships it.
            """)

    @Argument(help: "The SQL script.")
    var file: String

    @Option(name: [.customShort("i"), .long], help: "A script of definitions (CREATE, SET) to run before the script; may be repeated.")
    var initScripts: [String] = []

    @Option(help: "Where checkpoints and embedded streams live (a fresh temporary folder by default).")
    var dataDir: String?

    @Flag(help: "Only parse and plan the script; report errors without running anything.")
    var check = false

    @Option(name: [.customShort("D"), .long], help: "Replace ${NAME} in the script with VALUE (NAME=VALUE).")
    var define: [String] = []

    @Option(help: "Rows per batch read from sources.")
    var batchSize = 8192

    @Flag(help: "Run each query on one thread (files and generators are otherwise read ahead on a second one).")
    var singleThread = false

    @Option(help: "Time between checkpoints, e.g. '2 s' or '500 ms' (default 5 s; SET 'execution.checkpointing.interval' overrides it).")
    var checkpointInterval: String?

    @Option(help: "Time between progress lines when standard error is not a terminal (on one, the line is kept up to date).")
    var progressInterval = "10 s"

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let scripts = (initScripts + [file]).map(readScript)
        let directory = url.deletingLastPathComponent().path
        // Without --data-dir, a folder no earlier run can have used: a process id is reused, and a
        // folder named after one would hand this run another run's checkpoints.
        let dataDirectory = dataDir ?? NSTemporaryDirectory() + "rivulet-run-\(UUID().uuidString)"
        var interval = CheckpointPolicy.defaultIntervalMillis
        if let checkpointInterval {
            do {
                interval = try DurationText.milliseconds(checkpointInterval, for: "--checkpoint-interval", positive: true)
            } catch {
                fail("\(error.message); \(error.hint ?? "")")
            }
        }
        let progressSeconds: Double
        do {
            progressSeconds = Double(try DurationText.milliseconds(progressInterval, for: "--progress-interval", positive: true)) / 1000
        } catch {
            fail("\(error.message); \(error.hint ?? "")")
        }
        let engine = Engine(configuration: EngineConfiguration(
            workingDirectory: directory.isEmpty ? FileManager.default.currentDirectoryPath : directory,
            dataDirectory: dataDirectory, batchSize: batchSize, readAhead: !singleThread, checkpointIntervalMillis: interval))

        var queries: [(query: PreparedQuery, script: Script)] = []
        for script in scripts {
            do {
                for statement in try parseScript(script.text) {
                    switch try engine.execute(statement) {
                    case .completed(let message):
                        if !check { note(message) }
                    case .rows(let result):
                        if !check { show(TableRenderer.render(result)) }
                    case let result:
                        queries += result.queries.map { ($0, script) }
                    }
                }
            } catch {
                report(error, in: script)
            }
        }
        if check {
            note("\(file): OK (\(queries.count) quer\(queries.count == 1 ? "y" : "ies") planned)")
            return
        }
        defer { keepBadRecords(engine) }
        for (query, script) in queries {
            do {
                let report: QueryReport
                if query.sink == nil, engine.readsUnboundedSource(query) {
                    report = try showRowsAsTheyArrive(query, engine: engine)
                } else {
                    let progress = ProgressLine(id: "q\(engine.reports.count + 1)", live: showsProgress, interval: progressSeconds)
                    report = try engine.run(query, progress: progress.update)
                    progress.finish()
                }
                if let result = report.result {
                    show(TableRenderer.render(result))
                }
                if let checkpoints = report.checkpoints {
                    if let from = checkpoints.resumedFrom {
                        note("\(report.id): resumed from checkpoint \(from) of \(report.checkpointFolder)")
                    }
                    if checkpoints.taken > 0 {
                        let last = String(format: "%.1f", checkpoints.lastSeconds * 1000)
                        let longest = String(format: "%.1f", checkpoints.longestSeconds * 1000)
                        note("\(report.id): \(checkpoints.taken) checkpoint\(checkpoints.taken == 1 ? "" : "s"), the last "
                            + "\(Self.bytesText(checkpoints.lastBytes)) of state in \(last) ms (longest \(longest) ms)")
                    }
                }
                note(summary(report))
            } catch {
                report(error, in: script)
            }
        }
    }

    /// A script's text with its variables replaced, and where it came from for error messages.
    private struct Script {
        var path: String
        var text: String
    }

    private func readScript(_ path: String) -> Script {
        guard let raw = try? String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8) else {
            fail("cannot read \(path)")
        }
        do {
            return Script(path: path, text: try variables.substitute(raw))
        } catch {
            report(error, in: Script(path: path, text: raw))
        }
    }

    /// Says where the bad records went and shows the first few.
    private func keepBadRecords(_ engine: Engine) {
        let entries = engine.badRecords.entries
        guard !entries.isEmpty else { return }
        var text = "\(engine.badRecords.count) bad record\(engine.badRecords.count == 1 ? "" : "s") skipped, kept in \(engine.errorLogURL.path)"
        if engine.errorLogTrimmed > 0 {
            let trimmed = engine.errorLogTrimmed
            text += "; \(trimmed) older line\(trimmed == 1 ? "" : "s") trimmed from it to keep at most "
                + "\(engine.settings.errorLogMaxEntries) (SET '\(Settings.errorLogMaxEntriesKey)')"
        }
        for entry in entries.prefix(5) {
            text += "\n    \(entry.source) \(entry.position): \(entry.reason)"
        }
        if entries.count > 5 { text += "\n    ..." }
        note(text)
    }

    private static func bytesText(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576)
            : bytes >= 1 << 10 ? String(format: "%.1f KiB", Double(bytes) / 1024) : "\(bytes) bytes"
    }

    /// The live progress line only on a terminal; in logs and pipes a line every `--progress-interval`.
    private var showsProgress: Bool { isatty(STDERR_FILENO) == 1 }

    /// A SELECT over a source that never ends, as Flink's SQL client shows one: a header, then
    /// each row as it is produced (with its change kind first when the result is a changelog),
    /// until `LIMIT` rows were printed, or for ever.
    private func showRowsAsTheyArrive(_ query: PreparedQuery, engine: Engine) throws(SQLError) -> QueryReport {
        let bound = query.query
        guard bound.orderBy.isEmpty else {
            throw SQLError(
                .featureNotSupported, "ORDER BY over a source that never ends would never return a row",
                hint: "drop the ORDER BY, or bound the source (datagen's 'number-of-rows')")
        }
        let changelog = !bound.plan.appendOnly
        let hidden = bound.hiddenColumns
        let limit = bound.limit
        show(((changelog ? ["op"] : []) + bound.schema.names).joined(separator: " | "))
        var printed = 0
        let report = try engine.run(query, rows: { rows, kinds in
            var lines = ""
            for (row, kind) in zip(rows, kinds) {
                if let limit, printed >= limit { break }
                let values = row.dropLast(hidden).map { $0.isNull ? "NULL" : $0.description }
                lines += ((changelog ? [kind.description] : []) + values).joined(separator: " | ") + "\n"
                printed += 1
            }
            FileHandle.standardOutput.write(Data(lines.utf8))
            return limit.map { printed < $0 } ?? true
        })
        show("(\(printed) row\(printed == 1 ? "" : "s"))")
        return report
    }

    private func summary(_ report: QueryReport) -> String {
        let sql = report.sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        let shortSQL = sql.count > 70 ? String(sql.prefix(67)) + "..." : sql
        let rate = report.seconds > 0 ? Double(report.rowsIn) / report.seconds : 0
        return "\(report.id): \(shortSQL)\n    rows in \(report.rowsIn), rows out \(report.rowsOut), late rows \(report.lateRows), "
            + "bad records \(report.badRecords), state \(report.stateSize), \(String(format: "%.3f", report.seconds)) s (\(Int(rate)) rows/s)"
    }

    /// What `${NAME}` stands for: the environment, then `--define`.
    private var variables: ScriptVariables {
        var values = ProcessInfo.processInfo.environment
        for definition in define {
            let parts = definition.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return ScriptVariables(values: values)
    }

    private func report(_ error: any Error, in script: Script) -> Never {
        if let error = error as? SQLError {
            fail(error.rendered(source: script.text, fileName: script.path))
        }
        fail("\(error)")
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(1)
    }

    /// Results go to standard output, unbuffered so they interleave with the notes in order.
    private func show(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    private func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
