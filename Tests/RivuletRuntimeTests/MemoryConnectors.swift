import RivuletCore
import RivuletRuntime

/// A bounded source over rows given up front, cut into batches of at most `maxRows`.
final class MemorySource: SourceReader {
    private let types: [SQLType]
    private let rows: [[Value]]
    private var position = 0

    init(types: [SQLType], rows: [[Value]]) {
        self.types = types
        self.rows = rows
    }

    func nextBatch(maxRows: Int) throws -> RowBatch? {
        guard position < rows.count else { return nil }
        var batch = RowBatch(types: types)
        let end = min(rows.count, position + maxRows)
        for row in rows[position..<end] { batch.appendRow(row) }
        position = end
        return batch
    }
}

/// A sink that keeps every row it is given, rendered as text with its row kind.
final class MemorySink: SinkWriter {
    let types: [SQLType]
    private(set) var lines: [String] = []
    private(set) var flushed = false
    private(set) var closed = false

    init(types: [SQLType]) { self.types = types }

    func write(_ batch: RowBatch) throws { lines += render(batch, types: types) }
    func flush() throws { flushed = true }
    func close() throws { closed = true }
}

/// `+I a,b,c` per row.
func render(_ batch: RowBatch, types: [SQLType]) -> [String] {
    (0..<batch.count).map { i in
        "\(batch.kind(i)) " + batch.row(i, types: types).map(\.description).joined(separator: ",")
    }
}

extension QueryPipeline {
    /// Steps until every source has ended; the final metrics.
    @discardableResult
    func runToEnd() throws -> QueryMetrics {
        while try step() {}
        return metrics
    }
}
