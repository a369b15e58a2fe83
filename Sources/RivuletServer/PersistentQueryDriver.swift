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

    /// With `checkpoints`, the query takes checkpoints into the data directory and resumes from
    /// the last one its sink holds (exactly once into a transactional sink such as SQLite);
    /// without, or when an operator of the plan cannot be checkpointed, it starts from the
    /// beginning of its sources and flushes its sink at least every `flushInterval`.
    static func drive(
        _ query: PersistentQuery, plan: StreamPlan, sink relation: Relation, checkpoints: CheckpointPolicy?,
        environment: QueryEnvironment
    ) async {
        let badRecords = BadRecordLog()
        let sink: any SinkWriter
        let pipeline: QueryPipeline
        var coordinator: CheckpointCoordinator?
        do {
            sink = try environment.makeSink(relation, badRecords: badRecords, health: query.sinkHealth)
            if let checkpoints {
                let store = try CheckpointStore(dataDirectory: environment.dataDirectory, queryId: checkpoints.directoryName)
                coordinator = CheckpointCoordinator(store: store, sink: sink, intervalMillis: checkpoints.intervalMillis)
            }
            pipeline = try environment.makePipeline(
                plan, sink: coordinator?.pipelineSink ?? sink, follow: true, badRecords: badRecords, state: query.stateOptions)
            if let active = coordinator {
                if try canCheckpoint(pipeline) {
                    try active.resume(pipeline)
                } else {
                    coordinator = nil
                }
            }
        } catch {
            query.end(.failed, error: describe(error))
            return
        }
        var badRecordFile = BadRecordFile(
            dataDirectory: environment.dataDirectory, queryId: query.id, maxEntries: query.errorLogMaxEntries)
        let clock = ContinuousClock()
        var lastFlush = clock.now
        var flushedRows = 0
        var checkpointed = (read: pipeline.metrics.rowsRead, written: pipeline.metrics.rowsWritten, taken: 0)
        do {
            while true {
                if query.stopRequested || Task.isCancelled {
                    if let coordinator { try coordinator.complete() } else { try sink.close() }
                    query.end(.terminated, metrics: pipeline.metrics)
                    return
                }
                let before = pipeline.metrics.rowsRead
                guard try pipeline.step() else {
                    try coordinator?.complete()
                    query.end(.finished, metrics: pipeline.metrics)
                    return
                }
                let metrics = pipeline.metrics
                query.update(metrics)
                try badRecordFile.append(from: badRecords)
                query.recordErrorLogTrimmed(badRecordFile.trimmed)
                let idle = metrics.rowsRead == before
                if let coordinator {
                    // An idle query takes no checkpoints: nothing changed since the last one.
                    if metrics.rowsRead != checkpointed.read || metrics.rowsWritten != checkpointed.written {
                        try coordinator.stepped()
                        if coordinator.checkpointsTaken != checkpointed.taken {
                            checkpointed = (metrics.rowsRead, metrics.rowsWritten, coordinator.checkpointsTaken)
                        }
                    }
                } else if metrics.rowsWritten > flushedRows, idle || clock.now - lastFlush >= flushInterval {
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

    /// Whether every operator of the pipeline can be checkpointed.
    private static func canCheckpoint(_ pipeline: QueryPipeline) throws -> Bool {
        var probe = StateWriter()
        do {
            try pipeline.snapshot(into: &probe)
            return true
        } catch let error as SQLError where error.state == .featureNotSupported {
            return false
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? SQLError { return error.message }
        return "\(error)"
    }
}
