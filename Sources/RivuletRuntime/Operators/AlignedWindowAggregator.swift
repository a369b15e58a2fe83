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
    private final class Window {
        let bounds: WindowBounds
        var slotOfKey: [Int32: Int32] = [:]
        var keyIds: [Int32] = []
        var slots: [Int32] = []

        init(_ bounds: WindowBounds) { self.bounds = bounds }
    }

    private let assignment: WindowAssignment
    private let timeColumn: Int
    private let grace: Int64
    private let emitChanges: Bool
    private let keyless: Bool
    private let keys: GroupKeyTable
    private let slots: AggregateSlots
    private var output: ChangelogBuilder
    private var windows: [Window] = []
    private var lastWindow: Window?
    private var watermark = Watermark.none
    private(set) var lateRows = 0

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
        case .hop(let size, let slide, _):
            guard size > 0, slide > 0 else { throw SQLError(.invalidParameterValue, "HOP size and slide must be positive") }
        case .cumulate(let step, let size, _):
            guard step > 0, size > 0, size % step == 0 else {
                throw SQLError(.invalidParameterValue, "CUMULATE size must be a positive multiple of the step")
            }
        }
        let input = plan.input.schema
        self.assignment = assignment
        timeColumn = plan.window.timeColumn
        grace = plan.window.grace
        emitChanges = plan.emit == .changes
        keyless = plan.keys.isEmpty
        keys = GroupKeyTable(keyColumns: plan.keys, keyTypes: plan.keys.map { input[$0].type })
        slots = try AggregateSlots(plan.aggregates, input: input, retractable: false)
        output = ChangelogBuilder(types: plan.schema.types, isChangelog: emitChanges)
    }

    var stateSize: Int { slots.liveCount }

    func process(_ batch: RowBatch, into collector: inout Collector) throws {
        if let kinds = batch.kinds, kinds.contains(where: { $0 != .insert }) {
            throw SQLError.unsupported("window aggregation over an updating input is not supported")
        }
        keys.intern(batch, into: &keyIds)
        let times = batch.columns[timeColumn]
        let arrival = batch.arrivalWatermarks
        var nextFire = nextFireWatermark
        for row in 0..<batch.count {
            let rowWatermark = arrival?[row] ?? watermark
            if rowWatermark >= nextFire {
                flushPending(batch)
                fire(upTo: rowWatermark)
                nextFire = nextFireWatermark
            }
            if times.isNull(row) {
                lateRows += 1  // no event time: it can join no window
                continue
            }
            assignment.windows(containing: times.ints[row], into: &rowWindows)
            var joined = false
            for bounds in rowWindows where bounds.end &- 1 &+ grace > rowWatermark {
                let window = findOrCreate(bounds)
                let (slot, isNew) = slotFor(window, key: keyIds[row])
                joined = true
                if emitChanges {
                    emitChange(batch, row: row, window: window.bounds, key: keyIds[row], slot: slot, isNew: isNew)
                } else {
                    pendingRows.append(Int32(row))
                    pendingSlots.append(slot)
                }
            }
            if !joined { lateRows += 1 }
            if joined, let first = windows.first { nextFire = min(nextFire, first.bounds.end &- 1 &+ grace) }
        }
        flushPending(batch)
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

    private func flushPending(_ batch: RowBatch) {
        guard !pendingRows.isEmpty else { return }
        slots.accumulate(batch, rows: pendingRows, slots: pendingSlots)
        pendingRows.removeAll(keepingCapacity: true)
        pendingSlots.removeAll(keepingCapacity: true)
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

    @inline(__always)
    private func findOrCreate(_ bounds: WindowBounds) -> Window {
        if let lastWindow, lastWindow.bounds == bounds { return lastWindow }
        var low = 0
        var high = windows.count
        while low < high {
            let mid = (low + high) / 2
            let other = windows[mid].bounds
            if other.end < bounds.end || (other.end == bounds.end && other.start < bounds.start) { low = mid + 1 } else { high = mid }
        }
        let window: Window
        if low < windows.count, windows[low].bounds == bounds {
            window = windows[low]
        } else {
            window = Window(bounds)
            windows.insert(window, at: low)
        }
        lastWindow = window
        return window
    }

    @inline(__always)
    private func slotFor(_ window: Window, key: Int32) -> (Int32, Bool) {
        if keyless {
            if let slot = window.slots.first { return (slot, false) }
        } else if let slot = window.slotOfKey[key] {
            return (slot, false)
        }
        let slot = slots.allocate()
        if !keyless { window.slotOfKey[key] = slot }
        window.keyIds.append(key)
        window.slots.append(slot)
        keys.retain(key)
        return (slot, true)
    }

    /// Emits (in final mode) and frees every window with `end − 1 + grace ≤ watermark`, in order
    /// of end, each window's rows ordered by key.
    private func fire(upTo watermark: Int64) {
        var fired = 0
        while fired < windows.count, windows[fired].bounds.end &- 1 &+ grace <= watermark {
            let window = windows[fired]
            var order = Array(window.keyIds.indices)
            if !keyless { order.sort { keys.precedes(window.keyIds[$0], window.keyIds[$1]) } }
            for i in order {
                if !emitChanges { appendRow(key: window.keyIds[i], window: window.bounds, slot: window.slots[i], kind: .insert) }
                slots.free(window.slots[i])
                keys.release(window.keyIds[i])
            }
            fired += 1
        }
        if fired > 0 {
            windows.removeFirst(fired)
            lastWindow = nil
        }
    }
}
