import RivuletCore
import RivuletPlanner
import RivuletRuntime

/// The task body of one persistent query: builds its pipeline and steps it batch by batch,
/// yielding between batches, until its bounded sources end, it fails, or it is asked to stop.
/// The pipeline never leaves this task.
enum PersistentQueryDriver {
    /// How long an idle query (its sources had nothing new) waits before polling again.
    static let idlePause: Duration = .milliseconds(20)
    /// Written rows are made durable (the sink flushed) at least this often.
    static let flushInterval: Duration = .milliseconds(250)

    static func drive(_ query: PersistentQuery, plan: StreamPlan, sink relation: Relation, environment: QueryEnvironment) async {
        let badRecords = BadRecordLog()
        let sink: any SinkWriter
        let pipeline: QueryPipeline
        do {
            sink = try environment.makeSink(relation, badRecords: badRecords)
            pipeline = try environment.makePipeline(plan, sink: sink, follow: true, badRecords: badRecords)
        } catch {
            query.end(.failed, error: describe(error))
            return
        }
        let clock = ContinuousClock()
        var lastFlush = clock.now
        var flushedRows = 0
        do {
            while true {
                if query.stopRequested || Task.isCancelled {
                    try sink.close()
                    query.end(.terminated, metrics: pipeline.metrics)
                    return
                }
                let before = pipeline.metrics.rowsRead
                guard try pipeline.step() else {
                    query.end(.finished, metrics: pipeline.metrics)
                    return
                }
                let metrics = pipeline.metrics
                query.update(metrics)
                let idle = metrics.rowsRead == before
                if metrics.rowsWritten > flushedRows, idle || clock.now - lastFlush >= flushInterval {
                    try sink.flush()
                    flushedRows = metrics.rowsWritten
                    lastFlush = clock.now
                }
                if idle {
                    try? await Task.sleep(for: idlePause)
                } else {
                    await Task.yield()
                }
            }
        } catch {
            try? sink.close()
            query.end(.failed, metrics: pipeline.metrics, error: describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? SQLError { return error.message }
        return "\(error)"
    }
}
