import Foundation
public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

extension Engine {
    /// Runs a query over everything its sources hold now, until they are exhausted and the final
    /// watermark has closed every window, and returns what it measured (and, for a SELECT, its rows).
    ///
    /// `progress`, when given, is called about twice a second with the figures so far.
    ///
    /// With `durability`, a query that writes to a sink takes checkpoints into the data directory
    /// and resumes from the last one its sink holds (see `CheckpointCoordinator`).
    public func run(
        _ prepared: PreparedQuery, durability: Durability? = nil, progress: ((QueryMetrics) -> Void)? = nil
    ) throws(SQLError) -> QueryReport {
        let plan = prepared.query.plan
        let id = "q\(reports.count + 1)"
        let badBefore = badRecords.count
        let started = Date()
        let collector = prepared.sink == nil ? CollectingSink(types: plan.schema.types) : nil
        var metrics: QueryMetrics
        var checkpointing = CheckpointSummary()
        do {
            let sink: any SinkWriter
            if let relation = prepared.sink {
                sink = try registry.factory(for: relation.connector).makeSink(relation, context: connectorContext)
            } else {
                sink = collector!
            }
            let context = connectorContext
            let registry = self.registry
            let coordinator = try prepared.sink == nil ? nil : durability.map { try makeCoordinator($0, sink: sink) }
            let readAhead = configuration.readAhead
            let batchSize = configuration.batchSize
            let pipeline = try QueryPipeline(
                plan: plan,
                openSource: { scan in
                    let factory = try registry.factory(for: scan.relation.connector)
                    guard readAhead, factory.readsAhead(scan.relation) else {
                        return try factory.makeSource(scan.relation, columns: scan.columns, context: context)
                    }
                    // Decoding runs on its own thread; its bad records reach the query's log with their batch.
                    var own = context
                    own.badRecords = BadRecordLog(capacity: .max)
                    let reader = try factory.makeSource(scan.relation, columns: scan.columns, context: own)
                    return ReadAheadSource.wrapping(reader, batchRows: batchSize, staging: own.badRecords, log: context.badRecords)
                },
                sink: coordinator?.pipelineSink ?? sink, batchSize: configuration.batchSize, badRecordLog: badRecords,
                state: try stateOptions())
            var active = coordinator
            if let coordinator {
                coordinator.onCheckpointWritten = durability?.checkpointWritten
                coordinator.onResume = durability?.resumed
                checkpointing.skippedBecause = try checkpointRefusal(pipeline)
                if checkpointing.skippedBecause != nil { active = nil }
                checkpointing.resumedFrom = try active?.resume(pipeline)
            }
            var steps = 0
            var lastCall = Date()
            while try pipeline.step() {
                try active?.stepped()
                steps += 1
                if let progress, steps % 32 == 0, Date().timeIntervalSince(lastCall) >= 0.5 {
                    progress(pipeline.metrics)
                    lastCall = Date()
                }
            }
            if let active {
                try active.complete()
                checkpointing.taken = active.checkpointsTaken
                checkpointing.last = active.committed
                checkpointing.longestSeconds = active.longestDuration.seconds
                checkpointing.lastSeconds = active.lastDuration.seconds
                checkpointing.lastBytes = active.lastBytes
            } else if coordinator != nil {
                try sink.flush()
                try sink.close()
            }
            metrics = pipeline.metrics
        } catch let error as SQLError {
            throw error
        } catch {
            throw SQLError(.ioError, "query failed: \(error)")
        }
        var result: ResultSet?
        if let collector {
            var set = ResultSet(schema: plan.schema, rows: collector.rows, kinds: collector.sawRetraction ? collector.kinds : nil)
            if !prepared.query.orderBy.isEmpty {
                set = set.materialized()
                set.rows.sort { a, b in ResultOrdering.precedes(a, b, by: prepared.query.orderBy) }
            }
            if let limit = prepared.query.limit, set.rows.count > limit {
                set.rows.removeLast(set.rows.count - limit)
                if set.kinds != nil { set.kinds!.removeLast(set.kinds!.count - limit) }
            }
            result = set
        }
        let report = QueryReport(
            id: id, sql: prepared.sql, rowsIn: metrics.rowsRead, rowsOut: metrics.rowsWritten, lateRows: metrics.lateRows,
            badRecords: badRecords.count - badBefore, seconds: Date().timeIntervalSince(started), stateSize: metrics.stateSize,
            result: result, checkpoints: durability == nil || prepared.sink == nil ? nil : checkpointing)
        reports.append(report)
        return report
    }
}

/// ORDER BY over result values: NULLs placed as asked, then by value.
enum ResultOrdering {
    static func precedes(_ a: [Value], _ b: [Value], by keys: [BoundQuery.SortKey]) -> Bool {
        for key in keys {
            let x = a[key.column], y = b[key.column]
            if x == y { continue }
            if x.isNull { return key.nullsFirst }
            if y.isNull { return !key.nullsFirst }
            let less = compare(x, y)
            return key.ascending ? less : !less
        }
        return false
    }

    private static func compare(_ x: Value, _ y: Value) -> Bool {
        switch (x, y) {
        case (.int(let a), .int(let b)), (.timestamp(let a), .timestamp(let b)), (.date(let a), .date(let b)): return a < b
        case (.double(let a), .double(let b)): return a < b
        case (.decimal(let a, _), .decimal(let b, _)): return a < b
        case (.string(let a), .string(let b)): return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
        case (.boolean(let a), .boolean(let b)): return !a && b
        default: return x.description < y.description
        }
    }
}

extension Engine {
    /// `SET 'state.memory-budget' = '<keys>'`: at most that many keys of a group aggregate in
    /// memory, the rest spilled to `<data-dir>/spill`.
    func stateOptions() throws(SQLError) -> StateOptions {
        try StateOptions(settings: settings, spillDirectory: configuration.dataDirectory + "/spill")
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
