import RivuletCore

/// Accumulates an operator's output rows column by column, with a row kind per row when the
/// output is a changelog, and hands them on as one batch.
struct ChangelogBuilder {
    let types: [SQLType]
    let isChangelog: Bool
    var columns: [Column]
    private var kinds: [RowKind] = []
    private(set) var count = 0

    init(types: [SQLType], isChangelog: Bool) {
        self.types = types
        self.isChangelog = isChangelog
        columns = types.map { Column(type: $0) }
    }

    /// Call after appending one value to every column.
    @inline(__always)
    mutating func finishRow(_ kind: RowKind) {
        count += 1
        if isChangelog { kinds.append(kind) }
    }

    /// Call after appending `rows` values of the same kind to every column.
    mutating func finishRows(_ rows: Int, kind: RowKind) {
        count += rows
        if isChangelog { kinds.append(contentsOf: repeatElement(kind, count: rows)) }
    }

    mutating func flush(into output: inout Collector) {
        guard count > 0 else { return }
        output.emit(RowBatch(columns: columns, count: count, kinds: isChangelog ? kinds : nil))
        columns = types.map { Column(type: $0) }
        // Not keeping capacity: the batch holds this buffer, and a sink may keep many small
        // batches, each of which would otherwise carry the largest batch's capacity.
        kinds = []
        count = 0
    }

    /// Whether row `row` equals row `otherRow` of `other`, column by column (NULLs equal).
    func rowEquals(_ row: Int, _ other: ChangelogBuilder, _ otherRow: Int) -> Bool {
        columns.indices.allSatisfy { columns[$0].rowEquals(row, other.columns[$0], otherRow) }
    }

    /// Appends row `row` of `other` (same types).
    mutating func appendRow(_ row: Int, of other: ChangelogBuilder, kind: RowKind) {
        for i in columns.indices { columns[i].append(from: other.columns[i], row: row) }
        finishRow(kind)
    }

    /// Drops the pairs of rows from `start` on that cancel out: a row added and later taken
    /// back whole (or taken back and later added again), keeping the others in order.
    mutating func cancelOpposites(from start: Int) {
        guard isChangelog, count - start > 1 else { return }
        var cancelled = Set<Int>()
        for first in start..<count where !cancelled.contains(first) {
            for second in (first + 1)..<count where !cancelled.contains(second)
                && kinds[first].isAccumulate != kinds[second].isAccumulate && rowEquals(first, self, second) {
                cancelled.formUnion([first, second])
                break
            }
        }
        guard !cancelled.isEmpty else { return }
        let kept = (0..<count).filter { !cancelled.contains($0) }
        columns = columns.map { $0.gather(kept) }
        kinds = kept.map { kinds[$0] }
        count = kept.count
    }

    /// Empties a builder whose rows are never handed on (a scratch row, the rows before a
    /// change), keeping its buffers.
    mutating func clear() {
        for i in columns.indices { columns[i].removeAll() }
        kinds.removeAll(keepingCapacity: true)
        count = 0
    }
}
