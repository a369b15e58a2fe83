public import RivuletCore
public import RivuletPlanner

/// A semi or anti join (`IN`, `EXISTS`, `INTERSECT`, and their negations, `EXCEPT`): the left
/// rows that have (semi) or lack (anti) a right row with equal keys. Both inputs may be
/// changelogs. The left side keeps each row with its count of matches; the right side only a
/// count per key. A left row is forwarded with its own kind when it arrives or leaves and is
/// visible; a right row that gives left rows their first match emits them (`+I`, semi) or
/// retracts them (`-D`, anti), and one that takes their last match away does the reverse.
public final class SemiJoin: StreamOperator {
    private struct Entry {
        var values: [Value]
        var matches: Int
        /// Arrival order: rows of several keys flipping at once are emitted in it.
        var sequence: Int
    }

    private let plan: StreamPlan.SemiJoin
    private let leftTypes: [SQLType]
    private let rightTypes: [SQLType]
    /// Left rows by key (NULL-keyed ones too, for `NOT IN`).
    private var left: [[Value]: [Entry]] = [:]
    /// Right rows per key; for `NOT IN`, those with a NULL key are counted in `rightNulls`.
    private var right: [[Value]: Int] = [:]
    private var rightNulls = 0
    private var rightTotal = 0
    private var leftCount = 0
    private var sequence = 0
    private var watermarks = InputWatermarks()

    public init(_ plan: StreamPlan.SemiJoin) {
        self.plan = plan
        leftTypes = plan.left.schema.types
        rightTypes = plan.right.schema.types
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { leftCount + right.count }

    private func visible(_ matches: Int) -> Bool { plan.anti ? matches == 0 : matches > 0 }

    private func hasNull(_ key: [Value]) -> Bool { key.contains(.null) }

    /// How many right rows a left row with `key` matches now.
    private func matches(of key: [Value]) -> Int {
        switch plan.nulls {
        case .equal: return right[key] ?? 0
        case .neverMatch: return hasNull(key) ? 0 : right[key] ?? 0
        case .notIn: return hasNull(key) ? rightTotal : (right[key] ?? 0) + rightNulls
        }
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        var out = RowBatch(types: leftTypes)
        for row in 0..<batch.count {
            if port == 0 {
                processLeft(batch, row, into: &out)
            } else {
                processRight(batch, row, into: &out)
            }
        }
        output.emit(out)
    }

    private func processLeft(_ batch: RowBatch, _ row: Int, into out: inout RowBatch) {
        let values = batch.row(row, types: leftTypes)
        let key = plan.leftKeys.map { values[$0] }
        let kind = batch.kind(row)
        if kind.isAccumulate {
            let count = matches(of: key)
            left[key, default: []].append(Entry(values: values, matches: count, sequence: sequence))
            sequence += 1
            leftCount += 1
            if visible(count) { out.appendRow(values, kind: kind) }
        } else if let index = left[key]?.firstIndex(where: { $0.values == values }) {
            let entry = left[key]!.remove(at: index)
            if left[key]!.isEmpty { left.removeValue(forKey: key) }
            leftCount -= 1
            if visible(entry.matches) { out.appendRow(values, kind: kind) }
        }
    }

    private func processRight(_ batch: RowBatch, _ row: Int, into out: inout RowBatch) {
        let key = plan.rightKeys.map { batch.columns[$0].value(at: row, type: rightTypes[$0]) }
        let delta = batch.kind(row).isAccumulate ? 1 : -1
        let isNull = hasNull(key)
        if isNull, plan.nulls == .neverMatch { return }
        rightTotal += delta
        if isNull, plan.nulls == .notIn {
            rightNulls += delta
            // A NULL in the right input decides every left row.
            adjust(Array(left.keys), by: delta, into: &out)
            return
        }
        right[key, default: 0] += delta
        if right[key] == 0 { right.removeValue(forKey: key) }
        // Under NOT IN, left NULL keys match any right row.
        adjust([key] + (plan.nulls == .notIn ? left.keys.filter(hasNull) : []), by: delta, into: &out)
    }

    /// Changes the match count of the left rows under `keys`, emitting those whose visibility
    /// flips in their arrival order.
    private func adjust(_ keys: [[Value]], by delta: Int, into out: inout RowBatch) {
        var flipped: [(sequence: Int, values: [Value], visible: Bool)] = []
        for key in keys {
            guard var entries = left[key] else { continue }
            for i in entries.indices {
                let before = visible(entries[i].matches)
                entries[i].matches += delta
                let after = visible(entries[i].matches)
                if before != after { flipped.append((entries[i].sequence, entries[i].values, after)) }
            }
            left[key] = entries
        }
        if keys.count > 1 { flipped.sort { $0.sequence < $1.sequence } }
        for row in flipped { out.appendRow(row.values, kind: row.visible ? .insert : .delete) }
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        watermarks.advance(port, to: watermark)
    }

    public var stateFormat: StateFormat { StateFormat(kind: "semi-join", version: 1) }

    public func snapshot(into writer: inout StateWriter) throws {
        watermarks.save(into: &writer)
        writer.write(sequence)
        writer.write(rightNulls)
        writer.write(rightTotal)
        writer.write(right.count)
        for (key, count) in right {
            writer.write(row: key)
            writer.write(count)
        }
        writer.write(leftCount)
        for (_, entries) in left {
            for entry in entries {
                writer.write(row: entry.values)
                writer.write(entry.matches)
                writer.write(entry.sequence)
            }
        }
    }

    public func restore(from reader: inout StateReader) throws {
        try watermarks.restore(from: &reader)
        sequence = try reader.readInt()
        rightNulls = try reader.readInt()
        rightTotal = try reader.readInt()
        for _ in 0..<(try reader.readCount()) {
            let key = try reader.readRow()
            right[key] = try reader.readInt()
        }
        leftCount = try reader.readCount()
        for _ in 0..<leftCount {
            let values = try reader.readRow()
            let entry = Entry(values: values, matches: try reader.readInt(), sequence: try reader.readInt())
            left[plan.leftKeys.map { values[$0] }, default: []].append(entry)
        }
    }
}
