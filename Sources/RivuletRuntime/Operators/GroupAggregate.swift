public import RivuletCore
public import RivuletPlanner

/// A non-windowed GROUP BY over a stream or a changelog, producing a changelog keyed by the
/// group keys. Output: the key columns, then one column per aggregate.
///
/// Rows add to (`+I`, `+U`) or retract from (`-U`, `-D`) their key's accumulators. MIN/MAX keep
/// every value with its count and COUNT(DISTINCT) every value's count, so retracting the current
/// extreme or the last copy of a value is exact. The changelog is the one per-row processing
/// gives, whatever the batch size: `+I` when a key appears, `-U` (its old row) then `+U` (the
/// new one) when a row changes it, nothing when its result stays the same (as Flink), `-D` when
/// its row count drops to zero. A batch is processed in runs of rows with distinct keys, within
/// which folding the updates per key is exactly per-row emission.
///
/// With a memory budget (`StateOptions.memoryBudget`, in keys), the keys least recently
/// touched are moved to a `SpillFile` whenever more than that many are held after a run, and
/// brought back when a row touches them again; the output is the same as without a budget.
public final class GroupAggregate: StreamOperator {
    private let plan: StreamPlan.GroupAggregate
    private let keys: GroupKeyTable
    private let slots: AggregateSlots
    private var output: ChangelogBuilder
    private var before: ChangelogBuilder
    /// One updated row, compared with its old row before it is emitted.
    private var scratch: ChangelogBuilder
    /// Input rows per key id (inserts minus retractions); the key's row exists while positive.
    private var rowCounts: [Int64] = []
    private var touchedMark: [Bool] = []

    private var keyIds: [Int32] = []
    private var rows: [Int32] = []
    private var signs: [Int8] = []
    private var touched: [Int32] = []
    private var beforeRow: [Int] = []

    private let options: StateOptions
    /// Keys moved out of memory; created when first needed.
    private var spill: SpillFile?
    /// The run that last touched each key id, for choosing the least recently used to spill.
    private var lastUse: [Int64] = []
    private var runs: Int64 = 0

    public init(_ plan: StreamPlan.GroupAggregate, options: StateOptions = StateOptions()) throws(SQLError) {
        let input = plan.input.schema
        self.plan = plan
        self.options = options
        keys = GroupKeyTable(keyColumns: plan.keys, keyTypes: plan.keys.map { input[$0].type })
        slots = try AggregateSlots(plan.aggregates, input: input, retractable: !plan.input.appendOnly)
        output = ChangelogBuilder(types: plan.schema.types, isChangelog: true)
        before = ChangelogBuilder(types: plan.schema.types, isChangelog: false)
        scratch = ChangelogBuilder(types: plan.schema.types, isChangelog: false)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int {
        keys.keyColumns.isEmpty ? (rowCounts.first ?? 0 > 0 ? 1 : 0) : keys.liveCount + (spill?.count ?? 0)
    }

    /// Keys whose state is in memory (the others are spilled to disk).
    public var residentKeys: Int { keys.keyColumns.isEmpty ? stateSize : keys.liveCount }

    public func process(_ batch: RowBatch, port: Int, into collector: inout Collector) throws {
        guard batch.count > 0 else { return }
        if let kinds = batch.kinds, kinds.contains(where: { !$0.isAccumulate }), plan.input.appendOnly {
            throw SQLError.internal("GroupAggregate planned for an append-only input received retractions")
        }
        keys.intern(batch, into: &keyIds)
        // Cut the batch where a key repeats, so each run touches every key at most once, but
        // for an update folded within its group (its new row right after its old one).
        var seen = Set<Int32>()
        var cuts: [Int] = []
        for (row, key) in keyIds.enumerated() where !seen.insert(key).inserted {
            if plan.foldsUpdatesWithinGroup, let kinds = batch.kinds, kinds[row] == .updateAfter,
               kinds[row - 1] == .updateBefore, keyIds[row - 1] == key {
                continue
            }
            cuts.append(row)
            seen = [key]
        }
        // The runs share the batch's key ids: they stay valid until the sweep after the last run.
        var start = 0
        for end in cuts + [batch.count] {
            try processRun(batch, rows: start..<end)
            start = end
        }
        keys.sweep()
        try spillColdKeys()
        output.flush(into: &collector)
    }

    /// One run of rows with distinct keys; `keyIds` holds the batch's interned keys.
    private func processRun(_ batch: RowBatch, rows run: Range<Int>) throws {
        let runKeys = run.count == keyIds.count ? keyIds : Array(keyIds[run])
        let capacity = keys.idCapacity
        slots.reserveDense(capacity)
        if rowCounts.count < capacity {
            rowCounts.append(contentsOf: repeatElement(0, count: capacity - rowCounts.count))
            touchedMark.append(contentsOf: repeatElement(false, count: capacity - touchedMark.count))
        }
        try faultIn(runKeys)

        // The rows of the keys this run touches, as they were before it.
        touched.removeAll(keepingCapacity: true)
        beforeRow.removeAll(keepingCapacity: true)
        for key in runKeys where !touchedMark[Int(key)] {
            touchedMark[Int(key)] = true
            touched.append(key)
            if rowCounts[Int(key)] > 0 {
                beforeRow.append(before.count)
                appendRow(key, into: &before, kind: .insert)
            } else {
                beforeRow.append(-1)
            }
        }

        rows.removeAll(keepingCapacity: true)
        rows.append(contentsOf: (Int32(run.lowerBound)..<Int32(run.upperBound)))
        var anyRetraction = false
        if let kinds = batch.kinds {
            signs.removeAll(keepingCapacity: true)
            for row in run {
                let sign: Int8 = kinds[row].isAccumulate ? 1 : -1
                signs.append(sign)
                rowCounts[Int(keyIds[row])] += Int64(sign)
                if sign < 0 { anyRetraction = true }
            }
        } else {
            for key in runKeys { rowCounts[Int(key)] += 1 }
        }
        slots.accumulate(batch, rows: rows, slots: runKeys, signs: anyRetraction ? signs : nil)

        for (i, key) in touched.enumerated() {
            touchedMark[Int(key)] = false
            let existed = beforeRow[i] >= 0
            let exists = rowCounts[Int(key)] > 0
            if existed, exists {
                scratch.clear()
                appendRow(key, into: &scratch, kind: .insert)
                if plan.emitsUnchangedUpdates || !scratch.rowEquals(0, before, beforeRow[i]) {
                    copyBeforeRow(beforeRow[i], kind: .updateBefore)
                    output.appendRow(0, of: scratch, kind: .updateAfter)
                }
            } else if existed, plan.keepsEmptyGroups {
                copyBeforeRow(beforeRow[i], kind: .updateBefore)
                appendRow(key, into: &output, kind: .updateAfter)
            } else if existed {
                copyBeforeRow(beforeRow[i], kind: .delete)
            } else if exists {
                keys.retain(key)
                appendRow(key, into: &output, kind: .insert)
            }
            if !exists {
                if existed { keys.release(key) }
                rowCounts[Int(key)] = 0
                slots.clear(key)
            }
        }
        before.clear()
    }

    /// Brings back the spilled state of the keys of this run, and marks them used.
    private func faultIn(_ runKeys: [Int32]) throws {
        runs += 1
        if lastUse.count < rowCounts.count { lastUse.append(contentsOf: repeatElement(0, count: rowCounts.count - lastUse.count)) }
        if let spill, spill.count > 0 {
            for key in runKeys where rowCounts[Int(key)] == 0 {
                guard let bytes = try spill.take(keys.spillKey(key)) else { continue }
                var reader = StateReader(bytes)
                rowCounts[Int(key)] = try reader.readInt64()
                try slots.load(key, from: &reader)
                keys.retain(key)
            }
        }
        for key in runKeys { lastUse[Int(key)] = runs }
    }

    /// Moves the least recently used keys to disk while more than the budget are in memory.
    private func spillColdKeys() throws {
        guard let budget = options.memoryBudget, !keys.keyColumns.isEmpty, keys.liveCount > budget else { return }
        if spill == nil { spill = try SpillFile(directory: options.spillDirectory) }
        if lastUse.count < rowCounts.count { lastUse.append(contentsOf: repeatElement(0, count: rowCounts.count - lastUse.count)) }
        let live = rowCounts.indices.filter { rowCounts[$0] > 0 }.map { ($0, lastUse[$0]) }
        for index in ColdestKeys.select(live, budget: budget) {
            let key = Int32(index)
            var writer = StateWriter()
            writer.write(rowCounts[index])
            slots.save(key, into: &writer)
            try spill!.put(keys.spillKey(key), writer.bytes)
            rowCounts[index] = 0
            slots.clear(key)
            keys.release(key)
        }
        keys.sweep()
    }

    /// The live groups: their keys, input row counts and accumulators.
    public func snapshot(into writer: inout StateWriter) throws {
        let live = rowCounts.indices.filter { rowCounts[$0] > 0 }.map { Int32($0) }
        keys.save(live, into: &writer)
        for key in live {
            writer.write(rowCounts[Int(key)])
            slots.save(key, into: &writer)
        }
        // Spilled keys as they lie on disk: their key bytes, then their input row count and accumulators.
        writer.write(spill?.count ?? 0)
        try spill?.forEach { key, value in
            writer.write(bytes: key)
            writer.write(bytes: value)
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard rowCounts.allSatisfy({ $0 == 0 }) else { throw SQLError.internal("restoring a group aggregate that holds state") }
        var ids: [Int32] = []
        try keys.restoreKeys(from: &reader, into: &ids)
        let capacity = keys.idCapacity
        slots.reserveDense(capacity)
        if rowCounts.count < capacity {
            rowCounts.append(contentsOf: repeatElement(0, count: capacity - rowCounts.count))
            touchedMark.append(contentsOf: repeatElement(false, count: capacity - touchedMark.count))
        }
        for key in ids {
            rowCounts[Int(key)] = try reader.readInt64()
            try slots.load(key, from: &reader)
            keys.retain(key)
        }
        keys.sweep()
        let spilled = try reader.readCount()
        if spilled > 0 {
            let file = try SpillFile(directory: options.spillDirectory)
            for _ in 0..<spilled { try file.put(try reader.readBytes(), try reader.readBytes()) }
            spill = file
        }
        try spillColdKeys()
    }

    public var stateFormat: StateFormat { StateFormat(kind: "group-aggregate", version: 1) }

    private func appendRow(_ key: Int32, into builder: inout ChangelogBuilder, kind: RowKind) {
        keys.appendKey(key, into: &builder.columns, at: 0)
        slots.appendResults(key, into: &builder.columns, at: keys.keyColumns.count)
        builder.finishRow(kind)
    }

    private func copyBeforeRow(_ row: Int, kind: RowKind) {
        output.appendRow(row, of: before, kind: kind)
    }
}
