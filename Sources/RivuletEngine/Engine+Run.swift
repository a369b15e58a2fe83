public import RivuletCore
import RivuletPlanner
public import RivuletRuntime
public import Foundation

extension Engine {
    /// Runs a query over everything its sources hold now, until they are exhausted and the final
    /// watermark has closed every window, and returns what it measured (and, for a SELECT, its
    /// rows, with their change kinds when they are a changelog).
    ///
    /// With `configuration.checkpointIntervalMillis`, a query that writes to a sink takes
    /// checkpoints into `<data-dir>/queries/<hash of its SQL>` and resumes from the last one its
    /// sink holds; its bad records go to `<data-dir>/bad-records.jsonl` (the `rivulet_errors`
    /// table). `progress`, when given, is called about twice a second with the figures so far.
    public func run(_ prepared: PreparedQuery, progress: ((QueryMetrics) -> Void)? = nil) throws(SQLError) -> QueryReport {
        let id = "q\(reports.count + 1)"
        let badBefore = badRecords.count
        let started = Date()
        let folder = nextCheckpointFolder(for: prepared.sql)
        var options = QueryRun.Options()
        options.readAhead = configuration.readAhead
        options.batchSize = configuration.batchSize
        options.state = settings.stateOptions(spillDirectory: configuration.dataDirectory + "/spill")
        options.badRecords = badRecords
        options.sessionOptions = settings.values
        options.errorLog = .file(errorLogURL, query: folder, maxEntries: settings.errorLogMaxEntries)
        if prepared.sink != nil, let interval = settings.checkpointIntervalMillis ?? configuration.checkpointIntervalMillis {
            options.checkpoints = .into(folder, every: interval)
        }
        let run: QueryRun
        do {
            run = try QueryRun(prepared, connectors: connectors, options: options)
            defer { errorLogTrimmed += run.errorLogTrimmed }
            var lastCall = Date()
            var steps = 0
            while try run.step() != .finished {
                steps += 1
                if let progress, steps % 32 == 0, Date().timeIntervalSince(lastCall) >= 0.5 {
                    progress(run.metrics)
                    lastCall = Date()
                }
            }
        } catch let error as SQLError {
            throw error
        } catch {
            throw SQLError(.ioError, "query failed: \(error)")
        }
        let metrics = run.metrics
        let report = QueryReport(
            id: id, sql: prepared.sql, rowsIn: metrics.rowsRead, rowsOut: metrics.rowsWritten, lateRows: metrics.lateRows,
            badRecords: badRecords.count - badBefore, seconds: Date().timeIntervalSince(started), stateSize: metrics.stateSize,
            result: prepared.sink == nil ? run.result(applyingChanges: false) : nil,
            checkpoints: options.checkpoints == nil ? nil : run.checkpoints, checkpointFolder: folder)
        reports.append(report)
        return report
    }

    /// The checkpoint folder of a statement; the same statement again in one script gets another.
    private func nextCheckpointFolder(for sql: String) -> String {
        let folder = CheckpointPolicy.folder(sql: sql)
        checkpointFolders[folder, default: 0] += 1
        let seen = checkpointFolders[folder]!
        return seen > 1 ? folder + "-\(seen)" : folder
    }

    /// Where `run` keeps its queries' bad records.
    public var errorLogURL: URL { URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent(ErrorLogFile.fileName) }
}
