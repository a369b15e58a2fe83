public import RivuletCore
public import RivuletPlanner

/// `ROW_NUMBER() OVER (PARTITION BY k ORDER BY time [DESC]) = 1` over an append-only stream:
/// one row per key. Keep-first (ascending) keeps the row with the earliest time, the earlier
/// arrival on ties; keep-last (descending) the latest time, the later arrival on ties. The first
/// row of a key is inserted (`+I`); a row that takes its place updates it (`-U` old, `+U` new).
/// With `latestPerKey` every row takes its key's place and a `-D` row deletes it (`-D` old).
public final class Deduplicate: StreamOperator {
    private let plan: StreamPlan.TopN
    private let types: [SQLType]
    private let timeColumn: Int
    private let keepLast: Bool
    private let latestPerKey: Bool
    private var kept: [[Value]: (time: Int64, row: [Value])] = [:]
    private var output: ChangelogBuilder

    public init(_ plan: StreamPlan.TopN) throws(SQLError) {
        guard plan.runsAsDeduplication else {
            throw SQLError.internal("Deduplicate needs ROW_NUMBER() = 1 by event time over an append-only input")
        }
        latestPerKey = plan.latestPerKey
        self.plan = plan
        types = plan.input.schema.types
        timeColumn = plan.sortKeys[0].column
        keepLast = !plan.sortKeys[0].ascending
        output = ChangelogBuilder(types: plan.schema.types, isChangelog: true)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { kept.count }

    public func process(_ batch: RowBatch, port: Int, into collector: inout Collector) throws {
        let times = batch.columns[timeColumn]
        for row in 0..<batch.count {
            if times.isNull(row) { continue }
            let time = times.ints[row]
            let values = batch.row(row, types: types)
            let key = plan.partitionKeys.map { values[$0] }
            if latestPerKey, batch.kind(row) == .delete {
                if let current = kept.removeValue(forKey: key) { append(current.row, kind: .delete) }
                continue
            }
            if let current = kept[key] {
                let replaces = latestPerKey || (keepLast ? time >= current.time : time < current.time)
                guard replaces else { continue }
                append(current.row, kind: .updateBefore)
                append(values, kind: .updateAfter)
            } else {
                append(values, kind: .insert)
            }
            kept[key] = (time, values)
        }
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
        writer.write(kept.count)
        for (key, entry) in kept {
            writer.write(row: key)
            writer.write(entry.time)
            writer.write(row: entry.row)
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard kept.isEmpty else { throw SQLError.internal("restoring a deduplication that holds state") }
        for _ in 0..<(try reader.readCount()) {
            let key = try reader.readRow()
            kept[key] = (try reader.readInt64(), try reader.readRow())
        }
    }
}
