public import RivuletCore

/// A source over rows already held in memory: returns them in slices of at most `maxRows`,
/// then ends. Pull queries over state (materialized tables, the error log) read through it.
public final class HeldBatchReader: SourceReader {
    private var batch: RowBatch?

    public init(batch: RowBatch) { self.batch = batch }

    public func nextBatch(maxRows: Int) throws -> RowBatch? {
        guard let pending = batch else { return nil }
        guard pending.count > maxRows else {
            batch = nil
            return pending
        }
        batch = pending.gather(Array(maxRows..<pending.count))
        return pending.gather(Array(0..<maxRows))
    }
}
