import RivuletCore
import Synchronization

/// The changes applied to a materialized table since a push query subscribed, waiting for the
/// query to read them (full rows of the table's schema, with their change kinds).
final class MaterializedTableSubscription: Sendable {
    private let pending = Mutex<[RowBatch]>([])

    func deliver(_ batch: RowBatch) {
        guard batch.count > 0 else { return }
        pending.withLock { $0.append(batch) }
    }

    /// Everything delivered since the last call.
    func take() -> [RowBatch] {
        pending.withLock { batches in
            defer { batches = [] }
            return batches
        }
    }
}
