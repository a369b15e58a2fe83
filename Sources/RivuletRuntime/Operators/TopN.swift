public import RivuletCore
public import RivuletPlanner

/// `ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) <= N` over a stream or a changelog,
/// producing a changelog. After each input row the partition's top N is compared with what it
/// was: without the rank in the output, rows that left it are deleted (`-D`) and rows that
/// entered inserted (`+I`); with the rank, each position whose row changed is updated (`-U`
/// old / `+U` new, `+I` for a new position, `-D` for one that no longer exists). Ties keep
/// arrival order. Over an append-only input only the top N rows per partition are kept (a row
/// pushed out can never come back); over a changelog every row is, so a retraction can promote
/// the next one. Under a memory budget the partitions least recently touched wait on disk
/// (`SpillableKeyedState`).
public final class TopN: StreamOperator {
    private struct Ranked {
        var row: [Value]
        var sequence: Int
    }

    private let plan: StreamPlan.TopN
    private let types: [SQLType]
    private let order: RankOrder
    private let keepsAll: Bool
    private var partitions: SpillableKeyedState<[Ranked]>
    private var output: ChangelogBuilder
    private var sequence = 0
    /// Rows held, in memory or on disk.
    private var count = 0

    public init(_ plan: StreamPlan.TopN, options: StateOptions = StateOptions()) throws(SQLError) {
        self.plan = plan
        types = plan.input.schema.types
        order = RankOrder(keys: plan.sortKeys)
        keepsAll = !plan.input.appendOnly
        output = ChangelogBuilder(types: plan.schema.types, isChangelog: true)
        // A checkpoint holds a partition's ranked rows with their arrival numbers.
        partitions = SpillableKeyedState(
            options: options,
            write: { ranked, writer in
                writer.write(ranked.count)
                for entry in ranked {
                    writer.write(row: entry.row)
                    writer.write(entry.sequence)
                }
            },
            read: { reader in
                var ranked: [Ranked] = []
                for _ in 0..<(try reader.readCount()) { ranked.append(Ranked(row: try reader.readRow(), sequence: try reader.readInt())) }
                return ranked
            })
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { count }
    /// Partitions whose rows are in memory (the others are spilled to disk).
    public var residentPartitions: Int { partitions.residentCount }

    public func process(_ batch: RowBatch, port: Int, into collector: inout Collector) throws {
        for row in 0..<batch.count {
            let values = batch.row(row, types: types)
            let key = plan.partitionKeys.map { values[$0] }
            var ranked = try partitions.entry(of: key) ?? []
            let before = Array(ranked.prefix(plan.limit))
            if batch.kind(row).isAccumulate {
                let entry = Ranked(row: values, sequence: sequence)
                sequence += 1
                let index = ranked.firstIndex(where: { order.precedes(values, entry.sequence, $0.row, $0.sequence) }) ?? ranked.count
                if keepsAll || index < plan.limit {
                    ranked.insert(entry, at: index)
                    count += 1
                    if !keepsAll, ranked.count > plan.limit {
                        ranked.removeLast()
                        count -= 1
                    }
                }
            } else if let index = ranked.firstIndex(where: { $0.row == values }) {
                ranked.remove(at: index)
                count -= 1
            }
            partitions.set(key, to: ranked.isEmpty ? nil : ranked)
            emitChanges(from: before, to: Array(ranked.prefix(plan.limit)))
        }
        try partitions.spillColdKeys()
        output.flush(into: &collector)
    }

    private func emitChanges(from before: [Ranked], to after: [Ranked]) {
        if plan.emitsRank {
            for position in 0..<max(before.count, after.count) {
                let old = position < before.count ? before[position] : nil
                let new = position < after.count ? after[position] : nil
                if old?.sequence == new?.sequence { continue }
                if let old { append(old.row, rank: position + 1, kind: new == nil ? .delete : .updateBefore) }
                if let new { append(new.row, rank: position + 1, kind: old == nil ? .insert : .updateAfter) }
            }
            return
        }
        let kept = Set(after.map(\.sequence))
        let had = Set(before.map(\.sequence))
        for old in before where !kept.contains(old.sequence) { append(old.row, rank: nil, kind: .delete) }
        for new in after where !had.contains(new.sequence) { append(new.row, rank: nil, kind: .insert) }
    }

    private func append(_ row: [Value], rank: Int?, kind: RowKind) {
        for (i, value) in row.enumerated() { output.columns[i].append(value) }
        if plan.emitsRank { output.columns[row.count].append(.int(Int64(rank ?? 0))) }
        output.finishRow(kind)
    }

    public var stateFormat: StateFormat { StateFormat(kind: "top-n", version: 1) }
}

extension TopN {
    /// Each partition's ranked rows with their arrival numbers (which break ties and tell
    /// positions apart), and the next arrival number.
    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(sequence)
        try partitions.snapshot(into: &writer)
    }

    public func restore(from reader: inout StateReader) throws {
        sequence = try reader.readInt()
        try partitions.restore(from: &reader) { count += $0.count }
    }
}
