import RivuletCore
import RivuletPlanner

/// The engine behind tumbling, hopping and cumulating window aggregates: windows aligned to
/// the epoch, each holding one accumulator slot per key.
///
/// Per row, the row's arrival watermark decides which of its windows are still open
/// (`end − 1 + grace > watermark`); the row joins those and is late if it joins none. Windows
/// whose end − 1 + grace the arrival watermark reaches fire before that row is processed, so
/// output and late counts are those of a watermark that advanced after every row, whatever the
/// batch sizes. Open windows are kept in an array ordered by end, so firing takes from the front.
final class AlignedWindowAggregator {
    /// One open window: the accumulator slot of each key that has rows in it.
    private struct Window {
        let bounds: WindowBounds
        /// Slot of each key id, dense over ids (-1: the key has no rows here). Key ids are
        /// dense and few (the live keys), so an array lookup replaces hashing per row.
        var slotOfKey: [Int32] = []
        var keyIds: [Int32] = []
        var slots: [Int32] = []

        init(_ bounds: WindowBounds) { self.bounds = bounds }

        @inline(__always)
        func slot(of key: Int32) -> Int32 {
            let k = Int(key)
            return k < slotOfKey.count ? slotOfKey[k] : -1
        }
    }

    private let assignment: WindowAssignment
    private let timeColumn: Int
    /// With attached windows, the column of each row's window end (its start is the time column).
    private var endColumn: Int?
    private let grace: Int64
    private let emitChanges: Bool
    private let keyless: Bool
    private let keys: GroupKeyTable
    private let slots: AggregateSlots
    private var output: ChangelogBuilder
    /// Open windows, ordered by end (then start).
    private var windows: [Window] = []
    private var watermark = Watermark.none
    let late = LateRowCounter()

    private var keyIds: [Int32] = []
    private var rowWindows: [WindowBounds] = []
    private var pendingRows: [Int32] = []
    private var pendingSlots: [Int32] = []
    private var singleRow: [Int32] = [0]
    private var singleSlot: [Int32] = [0]

    init(_ plan: StreamPlan.WindowAggregate, assignment: WindowAssignment) throws(SQLError) {
        switch assignment {
        case .tumble(let size, _):
            guard size > 0 else { throw SQLError(.invalidParameterValue, "window size must be positive") }
        case .hop(let size, let slide, _, _):
            guard size > 0, slide > 0 else { throw SQLError(.invalidParameterValue, "HOP size and slide must be positive") }
        case .cumulate(let step, let size, _):
            guard step > 0, size > 0, size % step == 0 else {
                throw SQLError(.invalidParameterValue, "CUMULATE size must be a positive multiple of the step")
            }
        case .attached(let end):
            endColumn = end
        }
        let input = plan.input.schema
        self.assignment = assignment
        timeColumn = plan.window.timeColumn
        grace = plan.window.closeDelay
        emitChanges = plan.emit == .changes
        keyless = plan.keys.isEmpty
        keys = GroupKeyTable(keyColumns: plan.keys, keyTypes: plan.keys.map { input[$0].type })
        slots = try AggregateSlots(plan.aggregates, input: input, retractable: false)
        output = ChangelogBuilder(types: plan.schema.types, isChangelog: emitChanges)
    }

    var stateSize: Int { slots.liveCount }

    /// Open windows in order, each with its keys and their accumulators.
    func snapshot(into writer: inout StateWriter) {
        writer.write(watermark)
        writer.write(late.count)
        writer.write(windows.count)
        for window in windows {
            writer.write(window.bounds.start)
            writer.write(window.bounds.end)
            keys.save(window.keyIds, into: &writer)
            for slot in window.slots { slots.save(slot, into: &writer) }
        }
    }

    func restore(from reader: inout StateReader) throws(SQLError) {
        guard windows.isEmpty else { throw SQLError.internal("restoring a window aggregate that holds state") }
        watermark = try reader.readInt64()
        late.restore(count: try reader.readInt())
        var ids: [Int32] = []
        for _ in 0..<(try reader.readCount()) {
            var window = Window(WindowBounds(start: try reader.readInt64(), end: try reader.readInt64()))
            try keys.restoreKeys(from: &reader, into: &ids)
            for key in ids { try slots.load(newSlot(in: &window, key: key), from: &reader) }
            windows.append(window)
        }
        keys.sweep()
    }

    func process(_ batch: RowBatch, into collector: inout Collector) throws {
        if let kinds = batch.kinds, kinds.contains(where: { $0 != .insert }) {
            throw SQLError.unsupported("window aggregation over an updating input is not supported")
        }
        keys.intern(batch, into: &keyIds)
        if emitChanges {
            processChanges(batch)
        } else {
            processFinal(batch)
        }
        keys.sweep()
        output.flush(into: &collector)
    }

    func watermarkAdvanced(to watermark: Int64, into collector: inout Collector) {
        guard watermark > self.watermark else { return }
        self.watermark = watermark
        fire(upTo: watermark)
        keys.sweep()
        output.flush(into: &collector)
    }

    private var nextFireWatermark: Int64 {
        guard let first = windows.first else { return .max }
        return first.bounds.end &- 1 &+ grace
    }

    /// Final mode: rows only accumulate, so they are collected as (row, slot) pairs and
    /// accumulated together, before each firing and at the end of the batch. The loop works on
    /// locals (the open windows, the pending pairs), taken from and returned to the operator
    /// around each firing.
    private func processFinal(_ batch: RowBatch) {
        let times = batch.columns[timeColumn]
        let ends = endColumn.map { batch.columns[$0].ints }
        let timeValidity = times.validity
        let arrival = batch.arrivalWatermarks
        let watermark = self.watermark
        let grace = grace
        let keyIds = keyIds
        var open = windows
        windows = []
        var rows = pendingRows
        var rowSlots = pendingSlots
        pendingRows = []
        pendingSlots = []
        rows.reserveCapacity(batch.count)
        rowSlots.reserveCapacity(batch.count)
        var nextFire = open.first.map { $0.bounds.end &- 1 &+ grace } ?? .max
        /// Index in `open` of the window the previous row joined first.
        var hint = 0
        var bounds = rowWindows
        times.ints.withUnsafeBufferPointer { times in
            for row in 0..<batch.count {
                let rowWatermark = arrival?[row] ?? watermark
                if rowWatermark >= nextFire {
                    windows = open
                    if !rows.isEmpty {
                        slots.accumulate(batch, rows: rows, slots: rowSlots)
                        rows.removeAll(keepingCapacity: true)
                        rowSlots.removeAll(keepingCapacity: true)
                    }
                    fire(upTo: rowWatermark)
                    open = windows
                    windows = []
                    nextFire = open.first.map { $0.bounds.end &- 1 &+ grace } ?? .max
                    hint = 0
                }
                if let timeValidity, !timeValidity.isValid(row) {
                    late.drop(batch, row: row, watermark: rowWatermark)  // no event time: it can join no window
                    continue
                }
                let key = keyIds[row]
                if case .tumble(let size, let offset) = assignment {
                    let start = WindowAssignment.floorDiv(times[row] &- offset, size) &* size &+ offset
                    let window = WindowBounds(start: start, end: start &+ size)
                    guard window.end &- 1 &+ grace > rowWatermark else {
                        late.drop(batch, row: row, watermark: rowWatermark, window: (window.start, window.end))
                        continue
                    }
                    if hint >= open.count || open[hint].bounds != window {
                        hint = Self.findOrCreate(window, in: &open)
                        nextFire = min(nextFire, open[0].bounds.end &- 1 &+ grace)
                    }
                    var slot = open[hint].slot(of: key)
                    if slot < 0 { slot = newSlot(in: &open[hint], key: key) }
                    rows.append(Int32(row))
                    rowSlots.append(slot)
                    continue
                }
                if let ends {
                    bounds.removeAll(keepingCapacity: true)
                    bounds.append(WindowBounds(start: times[row], end: ends[row]))
                } else {
                    assignment.windows(containing: times[row], into: &bounds)
                }
                var joined = false
                var index = hint
                for window in bounds where window.end &- 1 &+ grace > rowWatermark {
                    if index >= open.count || open[index].bounds != window {
                        index = Self.findOrCreate(window, in: &open)
                        nextFire = min(nextFire, open[0].bounds.end &- 1 &+ grace)
                    }
                    if !joined { hint = index }
                    joined = true
                    var slot = open[index].slot(of: key)
                    if slot < 0 { slot = newSlot(in: &open[index], key: key) }
                    rows.append(Int32(row))
                    rowSlots.append(slot)
                    index += 1
                }
                if !joined {
                    late.drop(batch, row: row, watermark: rowWatermark, window: bounds.last.map { ($0.start, $0.end) })
                }
            }
        }
        rowWindows = bounds
        windows = open
        if !rows.isEmpty { slots.accumulate(batch, rows: rows, slots: rowSlots) }
        rows.removeAll(keepingCapacity: true)
        rowSlots.removeAll(keepingCapacity: true)
        pendingRows = rows
        pendingSlots = rowSlots
    }

    /// Changes mode: every row emits its window's new result at once, so rows are applied one
    /// by one in input order.
    private func processChanges(_ batch: RowBatch) {
        let times = batch.columns[timeColumn]
        let arrival = batch.arrivalWatermarks
        var nextFire = nextFireWatermark
        for row in 0..<batch.count {
            let rowWatermark = arrival?[row] ?? watermark
            if rowWatermark >= nextFire {
                fire(upTo: rowWatermark)
                nextFire = nextFireWatermark
            }
            if times.isNull(row) {
                late.drop(batch, row: row, watermark: rowWatermark)  // no event time: it can join no window
                continue
            }
            if let endColumn {
                rowWindows.removeAll(keepingCapacity: true)
                rowWindows.append(WindowBounds(start: times.ints[row], end: batch.columns[endColumn].ints[row]))
            } else {
                assignment.windows(containing: times.ints[row], into: &rowWindows)
            }
            var joined = false
            for bounds in rowWindows where bounds.end &- 1 &+ grace > rowWatermark {
                let index = Self.findOrCreate(bounds, in: &windows)
                let key = keyIds[row]
                var slot = windows[index].slot(of: key)
                let isNew = slot < 0
                if isNew { slot = newSlot(in: &windows[index], key: key) }
                joined = true
                emitChange(batch, row: row, window: bounds, key: key, slot: slot, isNew: isNew)
            }
            if !joined {
                late.drop(batch, row: row, watermark: rowWatermark, window: rowWindows.last.map { ($0.start, $0.end) })
            }
            if joined, let first = windows.first { nextFire = min(nextFire, first.bounds.end &- 1 &+ grace) }
        }
    }

    private func emitChange(_ batch: RowBatch, row: Int, window: WindowBounds, key: Int32, slot: Int32, isNew: Bool) {
        if !isNew { appendRow(key: key, window: window, slot: slot, kind: .updateBefore) }
        singleRow[0] = Int32(row)
        singleSlot[0] = slot
        slots.accumulate(batch, rows: singleRow, slots: singleSlot)
        appendRow(key: key, window: window, slot: slot, kind: isNew ? .insert : .updateAfter)
    }

    private func appendRow(key: Int32, window: WindowBounds, slot: Int32, kind: RowKind) {
        let keyCount = keys.keyColumns.count
        keys.appendKey(key, into: &output.columns, at: 0)
        output.columns[keyCount].appendInt(window.start)
        output.columns[keyCount + 1].appendInt(window.end)
        slots.appendResults(slot, into: &output.columns, at: keyCount + 2)
        output.finishRow(kind)
    }

    /// The index of the window with `bounds` in `windows` (ordered by end, then start),
    /// inserting an empty one if there is none.
    private static func findOrCreate(_ bounds: WindowBounds, in windows: inout [Window]) -> Int {
        var low = 0
        var high = windows.count
        while low < high {
            let mid = (low + high) / 2
            let other = windows[mid].bounds
            if other.end < bounds.end || (other.end == bounds.end && other.start < bounds.start) { low = mid + 1 } else { high = mid }
        }
        if low == windows.count || windows[low].bounds != bounds { windows.insert(Window(bounds), at: low) }
        return low
    }

    /// Gives `key` a fresh slot in `window`.
    private func newSlot(in window: inout Window, key: Int32) -> Int32 {
        let slot = slots.allocate()
        let k = Int(key)
        if k >= window.slotOfKey.count {
            let size = max(k + 1, keys.idCapacity, window.slotOfKey.count * 2)
            window.slotOfKey.append(contentsOf: repeatElement(-1, count: size - window.slotOfKey.count))
        }
        window.slotOfKey[k] = slot
        window.keyIds.append(key)
        window.slots.append(slot)
        keys.retain(key)
        return slot
    }

    /// Emits (in final mode) and frees every window with `end − 1 + grace ≤ watermark`, in order
    /// of end, each window's rows ordered by key.
    private func fire(upTo watermark: Int64) {
        var fired = 0
        while fired < windows.count, windows[fired].bounds.end &- 1 &+ grace <= watermark {
            let window = windows[fired]
            let order = keyless ? Array(window.keyIds.indices) : keys.sortedOrder(of: window.keyIds)
            if !emitChanges {
                // The window's rows, a column at a time.
                let keyCount = keys.keyColumns.count
                keys.appendKeys(order.map { window.keyIds[$0] }, into: &output.columns, at: 0)
                output.columns[keyCount].appendRepeated(window.bounds.start, count: order.count)
                output.columns[keyCount + 1].appendRepeated(window.bounds.end, count: order.count)
                slots.appendResults(order.map { window.slots[$0] }, into: &output.columns, at: keyCount + 2)
                output.finishRows(order.count, kind: .insert)
            }
            for i in order {
                slots.free(window.slots[i])
                keys.release(window.keyIds[i])
            }
            fired += 1
        }
        if fired > 0 { windows.removeFirst(fired) }
    }
}
