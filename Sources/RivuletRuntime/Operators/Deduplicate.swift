public import RivuletCore
public import RivuletPlanner

/// `ROW_NUMBER() OVER (PARTITION BY k ORDER BY time [DESC]) = 1` over an append-only stream:
/// one row per key. Keep-first (ascending) keeps the row with the earliest time, the earlier
/// arrival on ties; keep-last (descending) the latest time, the later arrival on ties. The first
/// row of a key is inserted (`+I`); a row that takes its place updates it (`-U` old, `+U` new).
/// With `latestPerKey` every row takes its key's place and a `-D` row deletes it (`-D` old).
/// Under a memory budget the keys least recently seen wait on disk (`SpillableKeyedState`).
public final class Deduplicate: StreamOperator {
    /// The row kept for a key, with its time.
    struct Kept {
        var time: Int64
        var row: [Value]
    }

    private let plan: StreamPlan.TopN
    private let types: [SQLType]
    private let timeColumn: Int
    private let keepLast: Bool
    private let latestPerKey: Bool
    private var kept: SpillableKeyedState<Kept>
    private var output: ChangelogBuilder

    public init(_ plan: StreamPlan.TopN, options: StateOptions = StateOptions()) throws(SQLError) {
        guard plan.runsAsDeduplication else {
            throw SQLError.internal("Deduplicate needs ROW_NUMBER() = 1 by event time over an append-only input")
        }
        latestPerKey = plan.latestPerKey
        self.plan = plan
        types = plan.input.schema.types
        timeColumn = plan.sortKeys[0].column
        keepLast = !plan.sortKeys[0].ascending
        output = ChangelogBuilder(types: plan.schema.types, isChangelog: true)
        // A checkpoint holds the time, then the row.
        kept = SpillableKeyedState(
            options: options,
            write: { kept, writer in
                writer.write(kept.time)
                writer.write(row: kept.row)
            },
            read: { reader in Kept(time: try reader.readInt64(), row: try reader.readRow()) })
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { kept.count }
    /// Keys whose row is in memory (the others are spilled to disk).
    public var residentKeys: Int { kept.residentCount }

    public func process(_ batch: RowBatch, port: Int, into collector: inout Collector) throws {
        let times = batch.columns[timeColumn]
        for row in 0..<batch.count {
            if times.isNull(row) { continue }
            let time = times.ints[row]
            let values = batch.row(row, types: types)
            let key = plan.partitionKeys.map { values[$0] }
            if latestPerKey, batch.kind(row) == .delete {
                if let current = try kept.entry(of: key) {
                    kept.set(key, to: nil)
                    append(current.row, kind: .delete)
                }
                continue
            }
            if let current = try kept.entry(of: key) {
                let replaces = latestPerKey || (keepLast ? time >= current.time : time < current.time)
                guard replaces else { continue }
                append(current.row, kind: .updateBefore)
                append(values, kind: .updateAfter)
            } else {
                append(values, kind: .insert)
            }
            kept.set(key, to: Kept(time: time, row: values))
        }
        try kept.spillColdKeys()
        output.flush(into: &collector)
    }

    private func append(_ row: [Value], kind: RowKind) {
        for (i, value) in row.enumerated() { output.columns[i].append(value) }
        if plan.emitsRank { output.columns[row.count].append(.int(1)) }
        output.finishRow(kind)
    }

    public var stateFormat: StateFormat { StateFormat(kind: latestPerKey ? "latest-per-key" : "deduplicate", version: 1) }
}

extension Deduplicate {
    /// The row kept per key, with its time.
    public func snapshot(into writer: inout StateWriter) throws {
        try kept.snapshot(into: &writer)
    }

    public func restore(from reader: inout StateReader) throws {
        try kept.restore(from: &reader)
    }
}
