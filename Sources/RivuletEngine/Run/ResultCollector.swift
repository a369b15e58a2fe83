import RivuletCore
import RivuletRuntime

/// The sink of a SELECT: keeps the rows it emits, with their change kinds, until taken.
final class ResultCollector: SinkWriter {
    private let types: [SQLType]
    private(set) var rows: [[Value]] = []
    private(set) var kinds: [RowKind] = []
    /// Whether any row so far was not an insert: the result is a changelog.
    private(set) var sawRetraction = false

    init(types: [SQLType]) {
        self.types = types
    }

    func write(_ batch: RowBatch) throws {
        for index in 0..<batch.count {
            rows.append(batch.row(index, types: types))
            let kind = batch.kind(index)
            if kind != .insert { sawRetraction = true }
            kinds.append(kind)
        }
    }

    /// The rows written since the last call, with their kinds.
    func take() -> (rows: [[Value]], kinds: [RowKind]) {
        defer {
            rows = []
            kinds = []
        }
        return (rows, kinds)
    }

    func flush() throws {}
    func close() throws {}
}
