import RivuletCore
import RivuletEngine

extension PersistentQuery {
    /// The task body of one persistent query: steps its run, yielding between steps and pausing
    /// while its sources have nothing new, until its bounded sources end, it fails, or it is
    /// asked to stop. The run never leaves this task.
    func run(_ prepared: PreparedQuery, connectors: QueryConnectors, options: QueryRun.Options) async {
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
                let step = try run.step()
                update(run.metrics, errorLogTrimmed: run.errorLogTrimmed)
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

    private func describe(_ error: any Error) -> String {
        if let error = error as? SQLError { return error.message }
        return "\(error)"
    }
}
