public import RivuletCore
public import RivuletRuntime

/// Emits generated rows: bounded by `number-of-rows` (or a sequence's end), paced to
/// `rows-per-second` of wall-clock time when that is set. Row `r`'s values are drawn from a
/// generator seeded by `(seed, r)`, so a seed fixes the output, whatever columns are read.
public final class DatagenSourceReader: CheckpointableSource {
    private let config: DatagenConfig
    private let columns: [Int]
    private let types: [SQLType]
    private let spacing: Double
    public private(set) var position: Int64 = 0
    private var startNanos: UInt64?

    init(config: DatagenConfig, columns: [Int], types: [SQLType]) {
        self.config = config
        self.columns = columns
        self.types = types
        spacing = config.rowsPerSecond.map { 1000 / $0 } ?? 1
    }

    /// Continues from row `position`: rows are drawn from (seed, row), so they come out as before.
    /// A paced generator continues at its rate from there.
    public func seek(to position: Int64) {
        self.position = position
        if let rate = config.rowsPerSecond {
            let behind = UInt64(Double(position) / rate * 1e9)
            let now = SystemClock.monotonicNanos()
            startNanos = now > behind ? now - behind : 0
        }
    }

    public func savePosition(into writer: inout StateWriter) throws { writer.write(position) }

    public func restorePosition(from reader: inout StateReader) throws { seek(to: try reader.readInt64()) }

    public func nextBatch(maxRows: Int) throws -> RowBatch? {
        var count = Int64(maxRows)
        if let total = config.totalRows {
            guard position < total else { return nil }
            count = min(count, total - position)
        }
        if let rate = config.rowsPerSecond {
            let now = SystemClock.monotonicNanos()
            let start = startNanos ?? now
            startNanos = start
            var due = Int64(Double(now - start) / 1e9 * rate) + 1 - position
            if due <= 0 {
                let dueAt = UInt64(Double(position) / rate * 1e9)
                let elapsed = now - start
                SystemClock.sleep(nanoseconds: min(dueAt > elapsed ? dueAt - elapsed : 0, 10_000_000))
                due = Int64(Double(SystemClock.monotonicNanos() - start) / 1e9 * rate) + 1 - position
            }
            count = min(count, max(due, 0))
        }
        var batch = RowBatch(types: types, capacity: Int(count))
        let fields = config.fields
        var row = position
        let end = position + count
        var values = [Int64](repeating: 0, count: fields.count)
        var doubles = [Double](repeating: 0, count: fields.count)
        var nulls = [Bool](repeating: false, count: fields.count)
        var text = [UInt8]()
        while row < end {
            var rng = SplitMix64(seed: config.seed, index: UInt64(row))
            // Draw for every field, read or not, so a projection never changes the values.
            for (f, field) in fields.enumerated() {
                nulls[f] = field.nullRate > 0 && rng.nextUnit() < field.nullRate
                switch field.kind {
                case .eventTime:
                    let millis = config.baseTime + Int64(Double(row) * spacing)
                    values[f] = field.type == .date ? millis / 86_400_000 : millis
                case .sequence(let start, _):
                    values[f] = start &+ row
                    doubles[f] = Double(values[f])
                case .random(let lo, let hi, let minDouble, let maxDouble, _):
                    let span = UInt64(bitPattern: hi &- lo) &+ 1
                    values[f] = lo &+ Int64(bitPattern: span == 0 ? rng.next() : rng.nextBelow(span))
                    doubles[f] = minDouble + rng.nextUnit() * (maxDouble - minDouble)
                }
            }
            for (slot, f) in columns.enumerated() {
                if nulls[f] {
                    batch.columns[slot].appendNull()
                    continue
                }
                let field = fields[f]
                switch field.type {
                case .double:
                    batch.columns[slot].doubles.append(doubles[f])
                case .varchar:
                    text.removeAll(keepingCapacity: true)
                    if case .random(_, _, _, _, let length) = field.kind {
                        var letters = SplitMix64(seed: config.seed ^ UInt64(f + 1), index: UInt64(row))
                        for _ in 0..<length { text.append(UInt8(97 + letters.nextBelow(26))) }
                    } else {
                        ValueText.appendInt(values[f], to: &text)
                    }
                    text.withUnsafeBufferPointer { batch.columns[slot].strings.append($0) }
                default:
                    batch.columns[slot].ints.append(values[f])
                }
                if batch.columns[slot].validity != nil { batch.columns[slot].validity!.append(true) }
            }
            row += 1
        }
        batch.count = Int(count)
        position = end
        return batch
    }
}
