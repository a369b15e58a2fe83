public import RivuletCore

/// The key a join side's rows are grouped by: the integer itself when the join is on one
/// integer-like column of the same type on both sides (no allocation per key), the values
/// otherwise. nil (no key) when a key value is NULL, which never equals anything.
enum JoinKey: Hashable {
    case int(Int64)
    case values([Value])
}

/// The rows one input of a regular join holds: stored column by column in typed buffers (no
/// `[Value]` per row), with the rows of each key chained in arrival order through `next`.
///
/// A removed row leaves a hole that the next compaction (once holes outnumber live rows) closes.
/// Match counts are kept only for outer sides and touch times only with a state TTL.
struct JoinSideStore {
    /// A stored row as values: how a spilled key's rows are written.
    struct Entry {
        var row: [Value]
        var matches: Int
        var touched: Int64
    }

    struct Chain {
        var first: Int32
        var last: Int32
    }

    let types: [SQLType]
    let keyColumns: [Int]
    /// Keys are `.int` when true.
    let integerKeys: Bool
    let countsMatches: Bool
    let keepsTouch: Bool
    private(set) var columns: [Column]
    /// Columns stored; the others were found unused above the join and read as NULL.
    private(set) var kept: [Bool]
    private var next: [Int32] = []
    private var alive: [Bool] = []
    private var matchCounts: [Int32] = []
    private var touchTimes: [Int64] = []
    private var chains: [JoinKey: Chain] = [:]
    /// Live rows.
    private(set) var rowCount = 0
    private var holes = 0

    static let end: Int32 = -1

    init(types: [SQLType], keyColumns: [Int], integerKeys: Bool, countsMatches: Bool, keepsTouch: Bool) {
        self.types = types
        self.keyColumns = keyColumns
        self.integerKeys = integerKeys
        self.countsMatches = countsMatches
        self.keepsTouch = keepsTouch
        columns = types.map { Column(type: $0) }
        kept = Array(repeating: true, count: types.count)
    }

    /// Stores only the columns marked (before the first row): the join's parent never reads the others.
    mutating func keepOnly(_ columns: [Bool]) {
        precondition(rowCount == 0 && next.isEmpty, "columns chosen after rows were stored")
        kept = columns
    }

    /// The key of row `row` of `batch`, whose key columns are `keys`.
    @inline(__always)
    func key(_ batch: RowBatch, _ row: Int, columns keys: [Int]) -> JoinKey? {
        if integerKeys {
            let column = batch.columns[keys[0]]
            if column.isNull(row) { return nil }
            return .int(column.ints[row])
        }
        var values: [Value] = []
        values.reserveCapacity(keys.count)
        for (i, c) in keys.enumerated() {
            let value = batch.columns[c].value(at: row, type: types[keyColumns[i]])
            if value.isNull { return nil }
            values.append(value)
        }
        return .values(values)
    }

    /// The key as values (for checkpoints) → the stored form.
    func key(values: [Value]) -> JoinKey {
        guard integerKeys, values.count == 1 else { return .values(values) }
        switch values[0] {
        case .int(let v), .timestamp(let v), .date(let v), .interval(let v), .intervalMonths(let v): return .int(v)
        case .decimal(let v, _): return Int64(exactly: v).map(JoinKey.int) ?? .values(values)
        case .boolean(let b): return .int(b ? 1 : 0)
        default: return .values(values)
        }
    }

    var keyCount: Int { chains.count }

    /// The first row stored under `key`, or `end`; `nextRow` walks on in arrival order.
    @inline(__always)
    func firstRow(_ key: JoinKey) -> Int32 { chains[key]?.first ?? Self.end }

    @inline(__always)
    func nextRow(_ slot: Int32) -> Int32 { next[Int(slot)] }

    @inline(__always)
    func matches(_ slot: Int32) -> Int { countsMatches ? Int(matchCounts[Int(slot)]) : 0 }

    @inline(__always)
    mutating func addMatches(_ slot: Int32, _ delta: Int) {
        if countsMatches { matchCounts[Int(slot)] += Int32(delta) }
    }

    @inline(__always)
    mutating func touch(_ slot: Int32, at time: Int64) {
        if keepsTouch { touchTimes[Int(slot)] = time }
    }

    /// Stores row `row` of `batch` under `key`, after the rows already there.
    mutating func append(_ batch: RowBatch, _ row: Int, key: JoinKey, matches: Int, touched: Int64) throws(SQLError) {
        guard next.count < Int(Int32.max) else {
            throw SQLError(SQLState("54000"), "a join input holds more than \(Int32.max) rows; set 'table.exec.state.ttl' to bound it")
        }
        for c in columns.indices where kept[c] { columns[c].append(from: batch.columns[c], row: row) }
        link(key: key, matches: matches, touched: touched)
    }

    private mutating func link(key: JoinKey, matches: Int, touched: Int64) {
        let slot = Int32(next.count)
        next.append(Self.end)
        alive.append(true)
        if countsMatches { matchCounts.append(Int32(matches)) }
        if keepsTouch { touchTimes.append(touched) }
        if let chain = chains[key] {
            next[Int(chain.last)] = slot
            chains[key] = Chain(first: chain.first, last: slot)
        } else {
            chains[key] = Chain(first: slot, last: slot)
        }
        rowCount += 1
    }

    /// Whether stored row `slot` equals row `row` of `batch`, column by column (NULLs equal).
    func rowEquals(_ slot: Int32, _ batch: RowBatch, _ row: Int) -> Bool {
        columns.indices.allSatisfy { !kept[$0] || columns[$0].rowEquals(Int(slot), batch.columns[$0], row) }
    }

    /// Removes stored row `slot` from the chain of `key`. Compacting renumbers the rows, so a
    /// caller walking slots passes false and calls `compactIfSparse` when done.
    mutating func remove(_ slot: Int32, key: JoinKey, compacting: Bool = true) {
        guard let chain = chains[key] else { return }
        if chain.first == slot {
            let after = next[Int(slot)]
            chains[key] = after == Self.end ? nil : Chain(first: after, last: chain.last)
        } else {
            var previous = chain.first
            while previous != Self.end, next[Int(previous)] != slot { previous = next[Int(previous)] }
            guard previous != Self.end else { return }
            next[Int(previous)] = next[Int(slot)]
            if chain.last == slot { chains[key] = Chain(first: chain.first, last: previous) }
        }
        alive[Int(slot)] = false
        next[Int(slot)] = Self.end
        rowCount -= 1
        holes += 1
        if compacting { compactIfSparse() }
    }

    mutating func compactIfSparse() {
        if holes > 4096, holes > rowCount { compact() }
    }

    /// Drops rows last touched before `horizon`; rows stored before the first watermark
    /// (touched at `Watermark.none`) are first stamped `now`. Returns how many were dropped.
    mutating func expire(before horizon: Int64, stampingUntouchedWith now: Int64?) -> Int {
        guard keepsTouch else { return 0 }
        if let now {
            for i in touchTimes.indices where touchTimes[i] == Watermark.none { touchTimes[i] = now }
        }
        var dropped = 0
        for (key, chain) in chains {
            var slot = chain.first
            while slot != Self.end {
                let following = next[Int(slot)]
                if touchTimes[Int(slot)] < horizon {
                    remove(slot, key: key, compacting: false)
                    dropped += 1
                }
                slot = following
            }
        }
        compactIfSparse()
        return dropped
    }

    /// Row `slot` as values.
    func row(_ slot: Int32) -> [Value] {
        columns.indices.map { kept[$0] ? columns[$0].value(at: Int(slot), type: types[$0]) : .null }
    }

    /// Rewrites the buffers with only the live rows, in the same order.
    private mutating func compact() {
        var fresh = JoinSideStore(
            types: types, keyColumns: keyColumns, integerKeys: integerKeys, countsMatches: countsMatches, keepsTouch: keepsTouch)
        fresh.kept = kept
        for (key, chain) in chains {
            var slot = chain.first
            while slot != Self.end {
                let s = Int(slot)
                for c in columns.indices where kept[c] { fresh.columns[c].append(from: columns[c], row: s) }
                fresh.link(key: key, matches: matches(slot), touched: keepsTouch ? touchTimes[s] : 0)
                slot = next[s]
            }
        }
        self = fresh
    }
}

/// A key's rows as values, for the keys that go to and come back from disk (`JoinSideSpill`).
extension JoinSideStore {
    /// The rows stored under `key`, in arrival order; nil when it has none.
    func entries(of key: JoinKey) -> [Entry]? {
        guard chains[key] != nil else { return nil }
        var entries: [Entry] = []
        var slot = firstRow(key)
        while slot != Self.end {
            entries.append(Entry(row: row(slot), matches: matches(slot), touched: keepsTouch ? touchTimes[Int(slot)] : Watermark.none))
            slot = nextRow(slot)
        }
        return entries
    }

    /// Stores `entries` as the rows of `key` (none: forgets the key). Leaves holes for the next
    /// `compactIfSparse`.
    mutating func replaceEntries(of key: JoinKey, with entries: [Entry]) {
        var slot = firstRow(key)
        while slot != Self.end {
            let following = nextRow(slot)
            remove(slot, key: key, compacting: false)
            slot = following
        }
        for entry in entries {
            for c in columns.indices where kept[c] { columns[c].append(entry.row[c]) }
            link(key: key, matches: entry.matches, touched: entry.touched)
        }
    }

    /// The keys stored.
    var keys: Dictionary<JoinKey, Chain>.Keys { chains.keys }

    /// `key` as the values a checkpoint writes.
    func values(of key: JoinKey) -> [Value] {
        switch key {
        case .values(let values): return values
        case .int(let v): return [Column(ints: [v], kind: .int64).value(at: 0, type: types[keyColumns[0]])]
        }
    }
}

/// Checkpoints hold the store as it lies in memory, buffer by buffer: a join holding millions of
/// rows is written and read a column at a time, not as a `[Value]` per row.
extension JoinSideStore {
    /// The slots (holes included): each stored column, chain link, liveness, match count and
    /// touch; then every key with the first and last slot of its chain.
    func write(into writer: inout StateWriter) {
        writer.write(next.count)
        for c in columns.indices where kept[c] { writer.write(columns[c]) }
        for link in next { writer.write(link) }
        writer.write(bytes: alive.map { $0 ? UInt8(1) : 0 })
        for matches in matchCounts { writer.write(matches) }
        for time in touchTimes { writer.write(time) }
        writer.write(chains.count)
        for (key, chain) in chains {
            switch key {
            case .int(let value):
                writer.write(true)
                writer.write(value)
            case .values(let values):
                writer.write(false)
                writer.write(row: values)
            }
            writer.write(chain.first)
            writer.write(chain.last)
        }
    }

    /// Reads what `write` wrote into an empty store built from the same plan.
    mutating func read(from reader: inout StateReader) throws(SQLError) {
        let slots = try reader.readCount()
        func slot(_ value: Int64, orEnd: Bool) throws(SQLError) -> Int32 {
            guard (orEnd && value == Int64(Self.end)) || (0..<Int64(slots)).contains(value) else {
                throw StateReader.corrupt("a join row link to \(value) among \(slots) rows")
            }
            return Int32(value)
        }
        for c in columns.indices where kept[c] {
            let column = try reader.readColumn()
            guard column.count == slots, column.kind == columns[c].kind else {
                throw StateReader.corrupt("a join column of \(column.count) rows among \(slots)")
            }
            columns[c] = column
        }
        next = []
        next.reserveCapacity(slots)
        for _ in 0..<slots { next.append(try slot(try reader.readInt64(), orEnd: true)) }
        let flags = try reader.readBytes()
        guard flags.count == slots else { throw StateReader.corrupt("\(flags.count) liveness flags for \(slots) join rows") }
        alive = flags.map { $0 != 0 }
        rowCount = alive.count { $0 }
        holes = slots - rowCount
        matchCounts = []
        if countsMatches { for _ in 0..<slots { matchCounts.append(try reader.readInt32()) } }
        touchTimes = []
        if keepsTouch { for _ in 0..<slots { touchTimes.append(try reader.readInt64()) } }
        chains = [:]
        for _ in 0..<(try reader.readCount()) {
            let key: JoinKey = try reader.readBool() ? .int(try reader.readInt64()) : .values(try reader.readRow())
            chains[key] = Chain(first: try slot(try reader.readInt64(), orEnd: false), last: try slot(try reader.readInt64(), orEnd: false))
        }
    }
}
