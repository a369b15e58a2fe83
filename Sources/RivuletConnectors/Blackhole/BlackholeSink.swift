public import RivuletCore
public import RivuletRuntime
import Synchronization

/// Consumes rows and drops them, counting what it saw (for benchmarks).
public final class BlackholeSink: SinkWriter {
    private let counter = Atomic<Int>(0)
    private let changes = Atomic<Int>(0)

    public init() {}

    /// Rows received so far.
    public var rowCount: Int { counter.load(ordering: .relaxed) }
    /// Of those, rows that were retractions or updates (`-U`, `+U`, `-D`).
    public var changeCount: Int { changes.load(ordering: .relaxed) }

    public func write(_ batch: RowBatch) throws {
        counter.add(batch.count, ordering: .relaxed)
        if let kinds = batch.kinds {
            var n = 0
            for kind in kinds where kind != .insert { n += 1 }
            changes.add(n, ordering: .relaxed)
        }
    }

    public func flush() throws {}
    public func close() throws {}
}
