import Logging
import RivuletCore
import RivuletEngine

extension PersistentQuery {
    /// The task body of one persistent query: steps its run, yielding between steps and pausing
    /// while its sources have nothing new, until its bounded sources end, it fails, or it is
    /// asked to stop. The run never leaves this task. Its end is logged.
    func run(_ prepared: PreparedQuery, connectors: QueryConnectors, options: QueryRun.Options, logger: Logger) async {
        defer { logEnd(to: logger) }
        let run: QueryRun
        do {
            run = try QueryRun(prepared, connectors: connectors, options: options)
        } catch {
            end(.failed, error: describe(error))
            return
        }
        do {
            while true {
                if stopRequested || Task.isCancelled {
                    try run.stop()
                    end(.terminated, metrics: run.metrics)
                    return
                }
                let taken = run.checkpoints.taken
                let step = try run.step()
                update(run.metrics, checkpoints: run.checkpoints, errorLogTrimmed: run.errorLogTrimmed)
                if run.checkpoints.taken != taken { logCheckpoint(run.checkpoints, to: logger) }
                switch step {
                case .finished:
                    end(.finished, metrics: run.metrics)
                    return
                case .idle:
                    try? await Task.sleep(for: QueryManager.idlePause)
                case .progressed:
                    await Task.yield()
                }
            }
        } catch {
            run.abandon()
            end(.failed, metrics: run.metrics, error: describe(error))
        }
    }

    private func logCheckpoint(_ checkpoints: CheckpointSummary, to logger: Logger) {
        logger.debug("checkpoint taken", metadata: [
            "query": "\(id)", "checkpoint": "\(checkpoints.last.map(String.init) ?? "")",
            "duration_ms": "\(String(format: "%.1f", checkpoints.lastSeconds * 1000))", "bytes": "\(checkpoints.lastBytes)",
        ])
    }

    private func logEnd(to logger: Logger) {
        let status = status
        var metadata: Logger.Metadata = [
            "query": "\(id)", "state": "\(status.state.rawValue)", "rows_in": "\(status.metrics.rowsRead)",
            "rows_out": "\(status.metrics.rowsWritten)",
        ]
        switch status.state {
        case .failed:
            metadata["error"] = "\(status.error ?? "")"
            logger.error("query failed", metadata: metadata)
        case .finished:
            logger.info("query finished", metadata: metadata)
        case .terminated, .running:
            logger.info("query stopped", metadata: metadata)
        }
    }

    private func describe(_ error: any Error) -> String {
        if let error = error as? SQLError { return error.message }
        return "\(error)"
    }
}
