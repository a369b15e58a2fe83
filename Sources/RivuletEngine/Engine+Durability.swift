import Foundation
import RivuletCore
import RivuletRuntime

extension Engine {
    /// The coordinator of a query's checkpoints in the data directory.
    func makeCoordinator(_ durability: Durability, sink: any SinkWriter) throws -> CheckpointCoordinator {
        var interval = durability.intervalMillis
        if let setting = settings[Durability.intervalSetting] { interval = try Durability.parseInterval(setting) }
        let store = try CheckpointStore(dataDirectory: configuration.dataDirectory, queryId: durability.queryId)
        return CheckpointCoordinator(store: store, sink: sink, intervalMillis: interval)
    }

    /// Whether every operator of the pipeline can be checkpointed; when one cannot, the reason.
    /// Such a query runs without checkpoints (and starts from the beginning after a crash).
    func checkpointRefusal(_ pipeline: QueryPipeline) throws -> String? {
        var probe = StateWriter()
        do {
            try pipeline.snapshot(into: &probe)
            return nil
        } catch let error as SQLError where error.state == .featureNotSupported {
            return error.message
        }
    }
}
