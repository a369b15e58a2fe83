import RivuletCore
import RivuletRuntime

/// The sink of a SELECT run for a client: keeps the rows (with their change kinds) until the
/// cursor takes them.
final class RowCollector: SinkWriter {
    private let types: [SQLType]
    private(set) var rows: [[Value]] = []
    private(set) var kinds: [RowKind] = []
    private(set) var sawRetraction = false

    init(types: [SQLType]) {
        self.types = types
    }

    var isEmpty: Bool { rows.isEmpty }

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
