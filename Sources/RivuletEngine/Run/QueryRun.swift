import Foundation
public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

/// One run of a prepared query: its pipeline over the connectors, its sink (or, for a SELECT,
/// the rows it collects), its checkpoints and its error log, driven one `step()` at a time.
///
/// `rivulet run` loops over `step()` until `.finished`; a server's query task steps it, pausing
/// when `.idle`; a SELECT cursor steps it until it has rows to hand out. The run is confined to
/// the thread or task that steps it.
///
/// With a checkpoint policy, a run that writes to a sink resumes from the checkpoint its sink
/// holds, takes a checkpoint when the interval has passed and rows moved since the last one,
/// and a final one when it ends or is stopped (see `CheckpointCoordinator`). Without one, the
/// sink is flushed at least every `flushInterval` and when the sources have nothing new.
public final class QueryRun {
    public struct Options: Sendable {
        /// Keep reading sources that can follow (embedded streams, materialized tables): rows
        /// appended later flow through, and the run does not end with what they hold now.
        public var follow = false
        /// Read files and generators ahead on a thread of their own; the output is the same.
        public var readAhead = false
        /// Rows per batch read from sources.
        public var batchSize = 8192
        /// How operators hold their state.
        public var state = StateOptions()
        /// The options the session set (`Settings.values`), which some connectors read.
        public var sessionOptions: [String: String] = [:]
        /// Where and how often a run that writes to a sink checkpoints; nil: never.
        public var checkpoints: CheckpointPolicy?
        /// The files the run's bad records and late rows go to; nil: they stay in `badRecords`
        /// and `lateRows`.
        public var errorLog: ErrorLogDestination?
        /// The log the sources report bad records to; nil: a log of the run's own.
        public var badRecords: BadRecordLog?
        /// Where a sink that retries reports whether it can write.
        public var sinkHealth = SinkHealth()
        /// What `saveState()` of a run of the same query wrote: this run continues from there
        /// instead of from the beginning (or a checkpoint).
        public var startState: [UInt8]?
        /// Set when the query runs on several servers (see `ConnectorContext.consumerGroup`).
        public var consumerGroup: ConsumerGroupMembership?

        public init() {}
    }

    /// What one step did.
    public enum Step: Sendable {
        /// Rows moved.
        case progressed
        /// The sources had nothing new: step again later.
        case idle
        /// Every source ended, the last checkpoint is taken and the sink closed.
        case finished
    }

    /// Written rows are made durable (the sink flushed) at least this often without checkpoints.
    static let flushInterval: Duration = .milliseconds(250)

    public let prepared: PreparedQuery
    /// The log the sources report bad records to.
    public let badRecords: BadRecordLog
    /// The rows the operators dropped as late, as they drop them.
    public let lateRows: LateRowLog
    private let pipeline: QueryPipeline
    private let sink: (any SinkWriter)?
    private let collector: ResultCollector?
    private let coordinator: CheckpointCoordinator?
    private let journal: ErrorLogJournal<SkippedRecord>?
    private let lateJournal: ErrorLogJournal<LateRow>?
    /// Where the late rows are written besides their file, when the query names a table for them.
    private let lateRowSink: (any SinkWriter)?
    private var ended = false
    private var lastFlush = ContinuousClock.now
    private var flushedRows = 0
    /// The counters at the last checkpoint: a run with nothing new takes none.
    private var checkpointed = (read: 0, written: 0)
    /// What checkpointing did in this run.
    public private(set) var checkpoints = CheckpointSummary()

    public init(_ prepared: PreparedQuery, connectors: QueryConnectors, options: Options) throws {
        self.prepared = prepared
        let plan = prepared.query.plan
        let badRecords = options.badRecords ?? BadRecordLog()
        self.badRecords = badRecords
        let lateRows = LateRowLog()
        self.lateRows = lateRows
        let output: any SinkWriter
        if let relation = prepared.sink {
            let context = connectors.context(
                badRecords: badRecords, sessionOptions: options.sessionOptions, sinkHealth: options.sinkHealth)
            let sink = try connectors.registry.factory(for: relation.connector).makeSink(relation.written, context: context)
            self.sink = sink
            collector = nil
            coordinator = try options.checkpoints.map { policy in
                let store = try CheckpointStore(dataDirectory: connectors.dataDirectory, queryId: policy.folder)
                return CheckpointCoordinator(store: store, sink: sink, intervalMillis: policy.intervalMillis)
            }
            output = coordinator?.pipelineSink ?? sink
        } else {
            let collector = ResultCollector(types: plan.schema.types)
            self.collector = collector
            sink = nil
            coordinator = nil
            output = collector
        }
        pipeline = try QueryPipeline(
            plan: plan, openSource: { scan in try Self.open(scan, connectors: connectors, options: options, log: badRecords) },
            sink: output, batchSize: options.batchSize, badRecordLog: badRecords,
            lateRowLog: options.errorLog == nil ? nil : lateRows, state: options.state)
        let journal = options.errorLog.map { ErrorLogJournal($0, log: badRecords) }
        self.journal = journal
        let lateJournal = options.errorLog.map { ErrorLogJournal($0, log: lateRows) }
        self.lateJournal = lateJournal
        if let lateJournal, let relation = prepared.lateRowSink {
            let rows = try LateRowSink(relation)
            let context = connectors.context(badRecords: badRecords, sessionOptions: options.sessionOptions)
            let writer = try connectors.registry.factory(for: relation.connector).makeSink(relation.written, context: context)
            let query = lateJournal.query
            lateJournal.forward = { entries, checkpoint in
                try writer.write(rows.batch(entries, query: query, checkpoint: checkpoint))
                try writer.flush()
            }
            lateRowSink = writer
        } else {
            lateRowSink = nil
        }
        if let state = options.startState {
            var reader = StateReader(state)
            try pipeline.restore(from: &reader)
        }
        if let coordinator {
            coordinator.onCheckpointWritten = { id in
                try journal?.appendNew(checkpoint: id)
                try lateJournal?.appendNew(checkpoint: id)
            }
            coordinator.onResume = { id in
                try journal?.forget(after: id)
                try lateJournal?.forget(after: id)
            }
            checkpoints.resumedFrom = try coordinator.resume(pipeline)
            checkpointed = (pipeline.rowsRead, pipeline.rowsWritten)
        }
    }

    /// The reader of one scan; files and generators are decoded ahead on a thread of their own
    /// when asked, their bad records reaching the run's log with the batch they were found in.
    private static func open(
        _ scan: StreamPlan.Scan, connectors: QueryConnectors, options: Options, log: BadRecordLog
    ) throws -> any SourceReader {
        let factory = try connectors.registry.factory(for: scan.relation.connector)
        var context = connectors.context(badRecords: log, follow: options.follow, sessionOptions: options.sessionOptions)
        context.consumerGroup = options.consumerGroup
        guard options.readAhead, factory.readsAhead(scan.relation) else {
            return try factory.makeSource(scan.relation, columns: scan.columns, context: context)
        }
        var own = context
        own.badRecords = BadRecordLog(capacity: .max)
        let reader = try factory.makeSource(scan.relation, columns: scan.columns, context: own)
        return ReadAheadSource.wrapping(reader, batchRows: options.batchSize, staging: own.badRecords, log: log)
    }

    public var metrics: QueryMetrics { pipeline.metrics }

    /// Lines dropped from the error log file to keep it within its bound.
    public var errorLogTrimmed: Int { journal?.trimmed ?? 0 }
    /// Lines dropped from the late-row file to keep it within its bound.
    public var lateRowLogTrimmed: Int { lateJournal?.trimmed ?? 0 }

    /// Reads and processes the next rows.
    public func step() throws -> Step {
        if ended { return .finished }
        let read = pipeline.rowsRead
        guard try pipeline.step() else {
            try end()
            return .finished
        }
        journal?.collect()
        lateJournal?.collect()
        let idle = pipeline.rowsRead == read && pipeline.waitingForInput
        if let coordinator {
            if pipeline.rowsRead != checkpointed.read || pipeline.rowsWritten != checkpointed.written {
                let taken = coordinator.checkpointsTaken
                try coordinator.stepped()
                if coordinator.checkpointsTaken != taken {
                    checkpointed = (pipeline.rowsRead, pipeline.rowsWritten)
                    summarize(coordinator)
                }
            }
        } else {
            try journal?.appendNew()
            try lateJournal?.appendNew()
            if let sink, pipeline.rowsWritten > flushedRows, idle || ContinuousClock.now - lastFlush >= Self.flushInterval {
                try sink.flush()
                flushedRows = pipeline.rowsWritten
                lastFlush = .now
            }
        }
        return idle ? .idle : .progressed
    }

    /// The run's state between two steps, as a checkpoint holds it, with the sink flushed: a run
    /// of the same query started from it (`Options.startState`) goes on exactly from here.
    public func saveState() throws -> [UInt8] {
        var writer = StateWriter()
        try pipeline.snapshot(into: &writer)
        try sink?.flush()
        return writer.bytes
    }

    /// Ends the run before its sources do: takes a last checkpoint (or flushes) and closes the sink.
    public func stop() throws {
        guard !ended else { return }
        if coordinator == nil { try sink?.close() }
        try end()
    }

    /// Closes the sink after a failure, ignoring what closing throws.
    public func abandon() {
        guard !ended else { return }
        ended = true
        try? sink?.close()
        try? lateRowSink?.close()
    }

    private func end() throws {
        ended = true
        if let coordinator {
            try coordinator.complete()
            summarize(coordinator)
        }
        try journal?.appendNew()
        try lateJournal?.appendNew()
        try lateRowSink?.close()
    }

    /// What the checkpoints taken so far did.
    private func summarize(_ coordinator: CheckpointCoordinator) {
        checkpoints.taken = coordinator.checkpointsTaken
        checkpoints.last = coordinator.committed
        checkpoints.longestSeconds = coordinator.longestDuration.seconds
        checkpoints.lastSeconds = coordinator.lastDuration.seconds
        checkpoints.lastBytes = coordinator.lastBytes
    }

    // MARK: - A SELECT's rows

    /// The rows a SELECT emitted since the last call, with their change kinds.
    public func takeRows() -> (rows: [[Value]], kinds: [RowKind]) {
        collector?.take() ?? ([], [])
    }

    /// A finished SELECT's rows as its caller sees them: the changelog applied when asked (or
    /// kept with its kinds), then ORDER BY and LIMIT.
    public func result(applyingChanges: Bool) -> ResultSet {
        let changelog = collector?.sawRetraction ?? false
        let (rows, kinds) = takeRows()
        var set = ResultSet(schema: prepared.query.schema, rows: rows, kinds: changelog ? kinds : nil)
        if applyingChanges { set = set.materialized() }
        return set.presented(for: prepared.query)
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
