public import RivuletCore
public import RivuletPlanner

/// An unbounded join of two inputs (inner, left, right or full) on equal keys plus a residual
/// condition, producing a changelog. Both sides keep their rows per key; inputs may be
/// changelogs. An outer row is emitted NULL-padded while it has no match and retracted (`-D`)
/// when its first match arrives, re-emitted when its last match goes away. A keyed table read
/// as stored (each row the latest for its primary key) is applied as upserts.
///
/// With a state TTL, rows not touched for that long (measured in event time, by the larger of
/// the two input watermarks) are forgotten without retraction: approximate, as in Flink.
/// Under a memory budget the keys least recently used wait on disk (`JoinSideSpill`).
public final class RegularJoin: StreamOperator {
    private typealias Entry = JoinSideStore.Entry

    private let plan: StreamPlan.Join
    private var matcher: JoinMatcher
    /// Each input's rows, in typed columns chained per join key.
    private var sides: [JoinSideStore]
    /// Each input's keys moved to disk under a memory budget.
    private var spills: [JoinSideSpill]
    private let upsertKeys: [[Int]?]
    /// Per side, upsert key → the row stored under it and its join key.
    private var upsertIndex: [[[Value]: (key: [Value]?, row: [Value])]] = [[:], [:]]
    private var watermarks = InputWatermarks()
    private var count = 0
    /// The pairs an inner join found in the batch being joined (its row, the other side's
    /// stored row, the change), written column by column once the batch is done: an inner join
    /// emits nothing else in between, so their order is the order they were found in.
    private var foundRows: [Int32] = []
    private var foundSlots: [Int32] = []
    private var foundKinds: [RowKind] = []

    public init(_ plan: StreamPlan.Join, options: StateOptions = StateOptions()) throws(SQLError) {
        self.plan = plan
        spills = [JoinSideSpill(options: options), JoinSideSpill(options: options)]
        matcher = try JoinMatcher(plan, changelog: true)
        upsertKeys = [plan.left.upsertKey, plan.right.upsertKey]
        let leftTypes = plan.left.schema.types, rightTypes = plan.right.schema.types
        let integerKeys = plan.leftKeys.count == 1 && leftTypes[plan.leftKeys[0]] == rightTypes[plan.rightKeys[0]]
            && leftTypes[plan.leftKeys[0]].physical == .int64
        sides = [
            JoinSideStore(types: leftTypes, keyColumns: plan.leftKeys, integerKeys: integerKeys,
                          countsMatches: plan.kind.keepsLeftUnmatched, keepsTouch: plan.stateTTLMillis != nil),
            JoinSideStore(types: rightTypes, keyColumns: plan.rightKeys, integerKeys: integerKeys,
                          countsMatches: plan.kind.keepsRightUnmatched, keepsTouch: plan.stateTTLMillis != nil),
        ]
        // The planner's choice of columns to store (`storedColumns`); the rest come out NULL.
        if let stored = plan.storedColumns {
            for side in 0..<2 {
                let offset = side == 0 ? 0 : leftTypes.count
                let kept = (side == 0 ? leftTypes : rightTypes).indices.map { stored.contains(offset + $0) }
                if kept.contains(false) { sides[side].keepOnly(kept) }
            }
        }
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { count }
    /// Keys whose rows are in memory, both inputs together (the others are spilled to disk).
    public var residentKeys: Int { sides[0].keyCount + sides[1].keyCount }

    private func keepsUnmatched(_ port: Int) -> Bool {
        port == 0 ? plan.kind.keepsLeftUnmatched : plan.kind.keepsRightUnmatched
    }

    private var now: Int64 { max(watermarks.ports[0], watermarks.ports[1]) }
    /// Whether some row was stored or matched while there was no watermark yet.
    private var touchedBeforeWatermark = false

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        if let upsert = upsertKeys[port] {
            for row in 0..<batch.count {
                guard let times = plan.changeTimeColumns else {
                    try processUpsert(batch, row, port: port, upsert: upsert)
                    continue
                }
                // As ksqlDB joins tables: a `-U` is followed by its `+U`, which replaces the row
                // by key, and the rows one change emits are stamped with its time, with what it
                // added and took back again left out.
                if batch.kind(row) == .updateBefore { continue }
                let emitted = matcher.output.count
                try processUpsert(batch, row, port: port, upsert: upsert)
                stampChangeTime(of: batch, row, port: port, times: times, from: emitted)
                matcher.output.cancelOpposites(from: emitted)
            }
        } else {
            try processRows(batch, port: port)
        }
        for side in 0..<2 { try spills[side].spillColdKeys(of: &sides[side]) }
        matcher.flush(into: &output)
    }

    /// A keyed table read as stored: each row replaces the one stored under its upsert key.
    private func processUpsert(_ batch: RowBatch, _ row: Int, port: Int, upsert: [Int]) throws {
        let values = matcher.values(batch, row, port: port)
        let id = upsert.map { values[$0] }
        if let previous = upsertIndex[port].removeValue(forKey: id) {
            var retraction = RowBatch(types: matcher.types(port))
            retraction.appendRow(previous.row, kind: .delete)
            let emitted = matcher.output.count
            try processRows(retraction, port: port)
            if port == 0, plan.emitsEveryLeftDelete, !batch.kind(row).isAccumulate, matcher.output.count == emitted {
                emitUnmatched(retraction, 0, port: 0, kind: .delete)
            }
        }
        if batch.kind(row).isAccumulate {
            upsertIndex[port][id] = (matcher.key(batch, row, port: port), values)
            try processRows(batch.gather([row]), port: port)
        }
    }

    /// Raises both sides' time columns of the rows emitted since `from` to the time of the
    /// change (row `row` of the input on `port`) that produced them.
    private func stampChangeTime(of batch: RowBatch, _ row: Int, port: Int, times: (left: Int, right: Int), from: Int) {
        let own = port == 0 ? times.left : times.right
        guard matcher.output.count > from, !batch.columns[own].isNull(row) else { return }
        let changed = batch.columns[own].ints[row]
        for column in [times.left, matcher.leftTypes.count + times.right] {
            for emitted in from..<matcher.output.count where !matcher.output.columns[column].isNull(emitted) {
                matcher.output.columns[column].ints[emitted] = max(matcher.output.columns[column].ints[emitted], changed)
            }
        }
    }

    /// Joins a batch of one input against the other input's stored rows, row by row in order.
    /// The other side's rows do not change while this input's batch is processed (only their
    /// match counts do), so every row's candidates are found, and the residual condition tested
    /// on all (row, candidate) pairs, before the first row is applied.
    private func processRows(_ batch: RowBatch, port: Int) throws {
        let other = 1 - port
        let keys = (0..<batch.count).map { sides[port].key(batch, $0, columns: sides[port].keyColumns) }
        try faultIn(Array(Set(keys.compactMap { $0 })))
        var pairStart = [Int](repeating: 0, count: batch.count + 1)
        var pairSlots: [Int32] = []
        for row in 0..<batch.count {
            if let key = keys[row] {
                var slot = sides[other].firstRow(key)
                while slot != JoinSideStore.end {
                    pairSlots.append(slot)
                    slot = sides[other].nextRow(slot)
                }
            }
            pairStart[row + 1] = pairSlots.count
        }
        let holds = try residualHolds(batch, port: port, pairStart: pairStart, pairSlots: pairSlots)
        for row in 0..<batch.count {
            let pairs = pairStart[row]..<pairStart[row + 1]
            if batch.kind(row).isAccumulate {
                try accumulate(batch, row, key: keys[row], port: port, pairs: pairs, slots: pairSlots, holds: holds)
            } else {
                retract(batch, row, key: keys[row], port: port, pairs: pairs, slots: pairSlots, holds: holds)
            }
        }
        emitFoundPairs(batch, port: port)
    }

    /// Writes the pairs an inner join collected for `batch`, column by column.
    private func emitFoundPairs(_ batch: RowBatch, port: Int) {
        guard !foundRows.isEmpty else { return }
        let base = matcher.leftTypes.count
        let stored = sides[1 - port].columns, kept = sides[1 - port].kept
        for c in batch.columns.indices { matcher.output.columns[port == 0 ? c : base + c].append(from: batch.columns[c], rows: foundRows) }
        for c in stored.indices {
            let target = port == 0 ? base + c : c
            if kept[c] {
                matcher.output.columns[target].append(from: stored[c], rows: foundSlots)
            } else {
                for _ in foundSlots { matcher.output.columns[target].appendNull() }
            }
        }
        for kind in foundKinds { matcher.output.finishRow(kind) }
        foundRows.removeAll(keepingCapacity: true)
        foundSlots.removeAll(keepingCapacity: true)
        foundKinds.removeAll(keepingCapacity: true)
    }

    /// Brings the spilled rows of `keys` (distinct: a key not on disk costs a read of the spill
    /// index each time it is looked up) back on both sides before a batch probes or changes them.
    private func faultIn(_ keys: [JoinKey]) throws {
        guard spills[0].isActive || spills[1].isActive else { return }
        let running = now != Watermark.none && now != Watermark.end
        let horizon = plan.stateTTLMillis.flatMap { running ? now &- $0 : nil }
        for side in 0..<2 {
            count -= try spills[side].faultIn(keys, into: &sides[side], horizon: horizon, firstStamp: running ? now : nil)
        }
    }

    /// For each (row, candidate) pair, whether the residual condition holds; nil when there is none.
    private func residualHolds(_ batch: RowBatch, port: Int, pairStart: [Int], pairSlots: [Int32]) throws -> [Bool]? {
        guard let residual = matcher.residual, !pairSlots.isEmpty else { return nil }
        let other = 1 - port
        var pairs = RowBatch(types: matcher.leftTypes + matcher.rightTypes, capacity: pairSlots.count)
        let probeBase = port == 0 ? 0 : matcher.leftTypes.count
        let storedBase = port == 0 ? matcher.leftTypes.count : 0
        for c in batch.columns.indices {
            let column = batch.columns[c]
            for row in 0..<batch.count where pairStart[row + 1] > pairStart[row] {
                for _ in pairStart[row]..<pairStart[row + 1] { pairs.columns[probeBase + c].append(from: column, row: row) }
            }
        }
        let stored = sides[other].columns, kept = sides[other].kept
        for c in stored.indices {
            if kept[c] {
                for slot in pairSlots { pairs.columns[storedBase + c].append(from: stored[c], row: Int(slot)) }
            } else {
                for _ in pairSlots { pairs.columns[storedBase + c].appendNull() }
            }
        }
        pairs.count = pairSlots.count
        var holds = Array(repeating: false, count: pairSlots.count)
        for index in try residual.select(pairs) { holds[index] = true }
        return holds
    }

    private func accumulate(
        _ batch: RowBatch, _ row: Int, key: JoinKey?, port: Int, pairs: Range<Int>, slots: [Int32], holds: [Bool]?
    ) throws {
        let other = 1 - port
        guard let key else {
            if keepsUnmatched(port) { emitUnmatched(batch, row, port: port, kind: .insert) }
            return
        }
        var matched = 0
        for pair in pairs where holds?[pair] ?? true {
            let slot = slots[pair]
            if plan.leftMatchesAtMostOnce, port == 0 ? matched > 0 : sides[other].matches(slot) > 0 {
                throw SQLError(.cardinalityViolation, "more than one row returned by a subquery used as an expression")
            }
            if keepsUnmatched(other), sides[other].matches(slot) == 0 {
                emitStoredUnmatched(slot, side: other, kind: .delete)
            }
            sides[other].addMatches(slot, 1)
            sides[other].touch(slot, at: now)
            emitPair(batch, row, port: port, slot: slot, kind: .insert)
            matched += 1
        }
        if matched == 0, keepsUnmatched(port) { emitUnmatched(batch, row, port: port, kind: .insert) }
        try sides[port].append(batch, row, key: key, matches: matched, touched: now)
        if now == Watermark.none { touchedBeforeWatermark = true }
        count += 1
    }

    private func retract(
        _ batch: RowBatch, _ row: Int, key: JoinKey?, port: Int, pairs: Range<Int>, slots: [Int32], holds: [Bool]?
    ) {
        let other = 1 - port
        guard let key else {
            if keepsUnmatched(port) { emitUnmatched(batch, row, port: port, kind: .delete) }
            return
        }
        var stored = sides[port].firstRow(key)
        while stored != JoinSideStore.end, !sides[port].rowEquals(stored, batch, row) { stored = sides[port].nextRow(stored) }
        guard stored != JoinSideStore.end else {
            return  // never seen (or forgotten by the TTL): nothing to retract
        }
        sides[port].remove(stored, key: key)
        count -= 1
        var matched = 0
        for pair in pairs where holds?[pair] ?? true {
            let slot = slots[pair]
            emitPair(batch, row, port: port, slot: slot, kind: .delete)
            sides[other].addMatches(slot, -1)
            if keepsUnmatched(other), sides[other].matches(slot) == 0 {
                emitStoredUnmatched(slot, side: other, kind: .insert)
            }
            matched += 1
        }
        if matched == 0, keepsUnmatched(port) { emitUnmatched(batch, row, port: port, kind: .delete) }
    }

    /// Row `row` of the input on `port` joined with stored row `slot` of the other side.
    private func emitPair(_ batch: RowBatch, _ row: Int, port: Int, slot: Int32, kind: RowKind) {
        if plan.kind == .inner {
            foundRows.append(Int32(row))
            foundSlots.append(slot)
            foundKinds.append(kind)
            return
        }
        let base = matcher.leftTypes.count
        let stored = sides[1 - port].columns, kept = sides[1 - port].kept
        for c in batch.columns.indices { matcher.output.columns[port == 0 ? c : base + c].append(from: batch.columns[c], row: row) }
        for c in stored.indices {
            if kept[c] {
                matcher.output.columns[port == 0 ? base + c : c].append(from: stored[c], row: Int(slot))
            } else {
                matcher.output.columns[port == 0 ? base + c : c].appendNull()
            }
        }
        matcher.output.finishRow(kind)
    }

    /// Row `row` of the input on `port`, NULL-padded.
    private func emitUnmatched(_ batch: RowBatch, _ row: Int, port: Int, kind: RowKind) {
        let base = matcher.leftTypes.count
        for c in batch.columns.indices { matcher.output.columns[port == 0 ? c : base + c].append(from: batch.columns[c], row: row) }
        for c in matcher.types(1 - port).indices { matcher.output.columns[port == 0 ? base + c : c].appendNull() }
        matcher.output.finishRow(kind)
    }

    /// Stored row `slot` of `side`, NULL-padded.
    private func emitStoredUnmatched(_ slot: Int32, side: Int, kind: RowKind) {
        let base = matcher.leftTypes.count
        let stored = sides[side].columns, kept = sides[side].kept
        for c in stored.indices {
            if kept[c] {
                matcher.output.columns[side == 0 ? c : base + c].append(from: stored[c], row: Int(slot))
            } else {
                matcher.output.columns[side == 0 ? c : base + c].appendNull()
            }
        }
        for c in matcher.types(1 - side).indices { matcher.output.columns[side == 0 ? base + c : c].appendNull() }
        matcher.output.finishRow(kind)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        let combined = watermarks.advance(port, to: watermark)
        if let ttl = plan.stateTTLMillis, now != Watermark.end, now != Watermark.none {
            // Rows stored before the first watermark are timed from it, not expired at once.
            let stamp = touchedBeforeWatermark ? now : nil
            for side in 0..<2 { count -= sides[side].expire(before: now &- ttl, stampingUntouchedWith: stamp) }
            touchedBeforeWatermark = false
        }
        return combined
    }

    // Version 3: the rows in memory as stored, a column at a time.
    public var stateFormat: StateFormat { StateFormat(kind: "regular-join", version: 3) }
}

extension RegularJoin {
    /// Both sides' rows per key with their match counts and last touch, the rows stored under
    /// each upsert key, and the input watermarks.
    public func snapshot(into writer: inout StateWriter) throws {
        watermarks.save(into: &writer)
        writer.write(touchedBeforeWatermark)
        for side in 0..<2 {
            sides[side].write(into: &writer)
            try spills[side].snapshot(into: &writer)
            writer.write(upsertIndex[side].count)
            for (id, stored) in upsertIndex[side] {
                writer.write(row: id)
                writer.write(optionalRow: stored.key)
                writer.write(row: stored.row)
            }
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard count == 0 else { throw SQLError.internal("restoring a join that holds state") }
        try watermarks.restore(from: &reader)
        touchedBeforeWatermark = try reader.readBool()
        for side in 0..<2 {
            try sides[side].read(from: &reader)
            count += sides[side].rowCount
            try spills[side].spillColdKeys(of: &sides[side])
            count += try spills[side].restore(from: &reader)
            for _ in 0..<(try reader.readCount()) {
                let id = try reader.readRow()
                upsertIndex[side][id] = (try reader.readOptionalRow(), try reader.readRow())
            }
        }
    }
}
