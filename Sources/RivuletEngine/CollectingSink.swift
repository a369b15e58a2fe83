import RivuletCore
import RivuletRuntime

/// Keeps the rows a SELECT emits, as values with their change kinds.
final class CollectingSink: SinkWriter {
    private let types: [SQLType]
    private(set) var rows: [[Value]] = []
    private(set) var kinds: [RowKind] = []
    private(set) var sawRetraction = false

    init(types: [SQLType]) {
        self.types = types
    }

    func write(_ batch: RowBatch) throws {
        for row in 0..<batch.count {
            rows.append(batch.row(row, types: types))
            let kind = batch.kind(row)
            if kind != .insert { sawRetraction = true }
            kinds.append(kind)
        }
    }

    func flush() throws {}
    func close() throws {}
}
