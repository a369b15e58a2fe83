#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import RivuletCore

/// Takes a query's checkpoints and resumes it from them, with exactly-once output into a
/// `TransactionalSink` (at-least-once into other sinks).
///
/// Use: hand `pipelineSink` to the `QueryPipeline` instead of the real sink, call `resume()`
/// before the first step, `stepped()` after each step, and `complete()` once the pipeline is
/// done. A checkpoint is taken between steps, when the batch has flowed through entirely: the
/// pipeline's state is written to a new checkpoint file first, then the sink commits its writes
/// since the previous checkpoint together with that checkpoint's mark. A crash between the two
/// leaves the sink at the previous checkpoint, whose file is still kept, so a restart resumes
/// from the checkpoint the sink holds and replays exactly what the sink lost.
public final class CheckpointCoordinator {
    private let store: CheckpointStore
    private let sink: any SinkWriter
    private let interval: Duration
    private var pipeline: QueryPipeline?
    private var nextId: Int64 = 1
    private var lastCheckpoint = ContinuousClock.now
    private let gate: SinkGate
    private let failpoint = CrashPoint.fromEnvironment()
    /// The checkpoint the sink holds (or that the run resumed from).
    public private(set) var committed: Int64?
    /// The checkpoint the run resumed from, if any.
    public private(set) var resumedFrom: Int64?
    /// Checkpoints taken by this run.
    public private(set) var checkpointsTaken = 0
    /// How long the last checkpoint took (state written, file durable, sink committed), and
    /// the longest one of this run.
    public private(set) var lastDuration: Duration = .zero
    public private(set) var longestDuration: Duration = .zero
    /// The size of the last checkpoint's state, in bytes.
    public private(set) var lastBytes = 0
    /// Called with a checkpoint's id once its file is durable, just before the sink commits it
    /// (logs kept beside the sink, such as bad records, tag what they wrote with it).
    public var onCheckpointWritten: ((Int64) throws -> Void)?
    /// Called by `resume` with the checkpoint restored (nil: starting from the beginning), so such
    /// logs drop what they wrote for later checkpoints, which the run will write again.
    public var onResume: ((Int64?) throws -> Void)?

    /// `intervalMillis` 0 takes a checkpoint after every step that read or wrote rows (what a
    /// test of many checkpoints wants, whatever the machine's speed; SET takes positive ones only).
    public init(store: CheckpointStore, sink: any SinkWriter, intervalMillis: Int64) {
        self.store = store
        self.sink = sink
        interval = .milliseconds(max(0, intervalMillis))
        gate = SinkGate(sink)
    }

    /// The sink to build the pipeline with: it forwards writes and leaves flushing and closing
    /// to the coordinator.
    public var pipelineSink: any SinkWriter { gate }

    /// Restores the pipeline from the checkpoint its sink holds (a transactional sink), or from
    /// the newest one (other sinks); returns the checkpoint's id, or nil when starting afresh.
    @discardableResult
    public func resume(_ pipeline: QueryPipeline) throws -> Int64? {
        self.pipeline = pipeline
        let ids = store.checkpointIds()
        nextId = (ids.last ?? 0) + 1
        var start: Int64?
        if let transactional = sink as? any TransactionalSink {
            if let mark = try transactional.beginCheckpointing(query: store.queryId), mark.instance == store.instance {
                guard ids.contains(mark.checkpoint) else {
                    throw SQLError(
                        .ioError,
                        "the sink holds checkpoint \(mark.checkpoint) of query \(store.queryId), but '\(store.directory)' has no such checkpoint",
                        hint: "the data directory does not match the sink; use the data directory of the run that wrote it")
                }
                start = mark.checkpoint
            }
        } else {
            start = ids.last
        }
        if let start {
            var reader = try store.reader(start)
            try pipeline.restore(from: &reader)
            committed = start
        }
        resumedFrom = start
        try onResume?(start)
        lastCheckpoint = .now
        return start
    }

    /// Takes a checkpoint when the interval has passed since the last one.
    public func stepped() throws {
        guard ContinuousClock.now - lastCheckpoint >= interval else { return }
        try checkpoint()
    }

    /// Takes the final checkpoint of a finished pipeline and closes the sink.
    public func complete() throws {
        try checkpoint()
        try sink.close()
    }

    /// Writes a checkpoint of the pipeline, then commits the sink with it.
    public func checkpoint() throws {
        guard let pipeline else { throw SQLError.internal("checkpoint before resume") }
        let started = ContinuousClock.now
        let id = nextId
        nextId += 1
        // Streamed into the checkpoint file as the operators write it, so state larger than memory
        // (spilled keys) is never held whole; the file counts only once committed.
        let file = try store.begin(id)
        var writer = StateWriter(output: file)
        try pipeline.snapshot(into: &writer)
        writer.handOn()
        let transactional = sink as? any TransactionalSink
        // A sink without transactions holds its rows out before the checkpoint that says they are
        // written: a crash in between repeats them on restart (at least once) instead of losing them.
        if transactional == nil { try sink.flush() }
        try failpoint.reach(.beforeCheckpointWrite, id)
        try file.commit()
        try onCheckpointWritten?(id)
        try failpoint.reach(.afterCheckpointWrite, id)
        try transactional?.commit(CheckpointMark(query: store.queryId, instance: store.instance, checkpoint: id))
        try failpoint.reach(.afterSinkCommit, id)
        pipeline.checkpointCompleted(id)
        committed = id
        checkpointsTaken += 1
        lastDuration = ContinuousClock.now - started
        longestDuration = max(longestDuration, lastDuration)
        lastBytes = writer.count
        // Keep this checkpoint and the one before it.
        let ids = store.checkpointIds().filter { $0 <= id }
        store.remove(except: Set(ids.suffix(2)))
        lastCheckpoint = .now
    }
}

/// Forwards a pipeline's writes to the real sink and swallows its flush and close, which the
/// coordinator does itself, at checkpoints.
final class SinkGate: SinkWriter {
    private let sink: any SinkWriter

    init(_ sink: any SinkWriter) {
        self.sink = sink
    }

    func write(_ batch: RowBatch) throws { try sink.write(batch) }
    func flush() throws {}
    func close() throws {}
}
