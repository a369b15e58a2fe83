public import RivuletCore
public import RivuletRuntime

/// Returns one row of no columns, then ends. Resuming from a checkpoint skips the row it had
/// returned, as every source that returns the same rows each time is resumed.
public final class OneRowSourceReader: SourceReader {
    private var done = false

    public init() {}

    public func nextBatch(maxRows: Int) throws -> RowBatch? {
        guard !done, maxRows > 0 else { return done ? nil : RowBatch(columns: [], count: 0) }
        done = true
        return RowBatch(columns: [], count: 1)
    }
}
