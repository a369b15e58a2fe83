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
    ///
    /// The report and `progress` count what this run did: a run resumed from a checkpoint does
    /// not count the rows read before it (its watermark, state and input share are as restored).
    ///
    /// `rows`, when given (a SELECT), is handed the rows as they are produced, with their change
    /// kinds, and the run stops once it returns false; the report then has no result. This is how
    /// a SELECT over a source that never ends is shown.
    public func run(
        _ prepared: PreparedQuery, progress: ((QueryMetrics) -> Void)? = nil,
        rows: ((_ rows: [[Value]], _ kinds: [RowKind]) -> Bool)? = nil
    ) throws(SQLError) -> QueryReport {
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
        options.errorLog = .folder(URL(fileURLWithPath: configuration.dataDirectory), query: folder, maxEntries: settings.errorLogMaxEntries)
        if prepared.sink != nil, let interval = settings.checkpointIntervalMillis ?? configuration.checkpointIntervalMillis {
            options.checkpoints = .into(folder, every: interval)
        }
        let run: QueryRun
        var base = QueryMetrics()
        do {
            run = try QueryRun(prepared, connectors: connectors, options: options)
            defer { errorLogTrimmed += run.errorLogTrimmed }
            base = run.metrics
            var lastCall = Date()
            while true {
                let step = try run.step()
                if let rows {
                    let (taken, kinds) = run.takeRows()
                    if !taken.isEmpty, !rows(taken, kinds) {
                        try run.stop()
                        break
                    }
                }
                if step == .finished { break }
                if let progress, Date().timeIntervalSince(lastCall) >= 0.5 {
                    progress(Self.counted(run.metrics, since: base))
                    lastCall = Date()
                }
                // A source that never ends waits for its next rows without spinning.
                if step == .idle, rows != nil { Thread.sleep(forTimeInterval: 0.02) }
            }
        } catch let error as SQLError {
            throw error
        } catch {
            throw SQLError(.ioError, "query failed: \(error)")
        }
        let metrics = Self.counted(run.metrics, since: base)
        let report = QueryReport(
            id: id, sql: prepared.sql, rowsIn: metrics.rowsRead, rowsOut: metrics.rowsWritten, lateRows: metrics.lateRows,
            badRecords: badRecords.count - badBefore, seconds: Date().timeIntervalSince(started), stateSize: metrics.stateSize,
            result: prepared.sink == nil && rows == nil ? run.result(applyingChanges: false) : nil,
            checkpoints: options.checkpoints == nil ? nil : run.checkpoints, checkpointFolder: folder)
        reports.append(report)
        return report
    }

    /// The counters of `metrics` less those of `base` (what a resumed run started from).
    private static func counted(_ metrics: QueryMetrics, since base: QueryMetrics) -> QueryMetrics {
        var counted = metrics
        counted.rowsRead -= base.rowsRead
        counted.rowsWritten -= base.rowsWritten
        counted.lateRows -= base.lateRows
        return counted
    }

    /// Whether a source of the query never ends by itself (a generator without a row count).
    public func readsUnboundedSource(_ prepared: PreparedQuery) -> Bool {
        func unbounded(_ plan: StreamPlan) -> Bool {
            if case .scan(let scan) = plan {
                return (try? registry.factory(for: scan.relation.connector))?.isUnbounded(scan.relation) ?? false
            }
            return plan.inputs.contains(where: unbounded)
        }
        return unbounded(prepared.query.plan)
    }

    /// The checkpoint folder of a statement; the same statement again in one script gets another.
    private func nextCheckpointFolder(for sql: String) -> String {
        let folder = CheckpointPolicy.folder(sql: sql)
        checkpointFolders[folder, default: 0] += 1
        let seen = checkpointFolders[folder]!
        return seen > 1 ? folder + "-\(seen)" : folder
    }

    /// Where `run` keeps its queries' bad records.
    public var errorLogURL: URL { URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent(SkippedRecord.fileName) }
}
