import RivuletCore

/// Interns GROUP BY keys into dense ids so state can live in flat arrays indexed by id.
///
/// A single integer-kind key (BIGINT, INT, TIMESTAMP, ...) is looked up by its Int64 directly;
/// composite and string keys are encoded into a reusable byte buffer, so a lookup of an
/// existing key allocates nothing. NULL is a valid key. Ids are reference counted by the
/// operator's live groups (`retain`/`release`); `sweep()` frees ids interned by a batch that no
/// group kept (late rows), so the table shrinks with the state.
final class GroupKeyTable {
    private enum Mode { case none, integer, general }

    let keyColumns: [Int]
    let keyTypes: [SQLType]
    private let mode: Mode
    private var integerIds: [Int64: Int32] = [:]
    private var nullId: Int32 = -1
    private var encodedIds: [[UInt8]: Int32] = [:]
    private var integerKeys: [Int64] = []
    private var nullKeys: [Bool] = []
    private var encodedKeys: [[UInt8]] = []
    private var valueKeys: [[Value]] = []
    private var refCounts: [Int32] = []
    private var isFree: [Bool] = []
    private var freeIds: [Int32] = []
    private var recentIds: [Int32] = []
    private var scratch: [UInt8] = []
    private(set) var liveCount = 0
    private static let cacheSize = 2048
    /// The lines of the integer-key cache (allocated at the first integer key).
    private var cacheKeys: [Int64] = []
    private var cacheIds: [Int32] = []

    init(keyColumns: [Int], keyTypes: [SQLType]) {
        self.keyColumns = keyColumns
        self.keyTypes = keyTypes
        if keyColumns.isEmpty {
            mode = .none
            refCounts = [1]
            isFree = [false]
            liveCount = 1
        } else if keyColumns.count == 1, [.bool, .int64].contains(keyTypes[0].physical) {
            mode = .integer
        } else {
            mode = .general
        }
    }

    /// One past the largest id ever handed out: the size dense per-id arrays need.
    var idCapacity: Int { refCounts.count }

    /// Sets `ids[i]` to the key id of row `i` of `batch`.
    func intern(_ batch: RowBatch, into ids: inout [Int32]) {
        ids.removeAll(keepingCapacity: true)
        switch mode {
        case .none:
            ids.append(contentsOf: repeatElement(0, count: batch.count))
        case .integer:
            let column = batch.columns[keyColumns[0]]
            let validity = column.validity
            ids.reserveCapacity(batch.count)
            // A direct-mapped cache of recent keys in front of the dictionary: streams repeat a
            // small set of hot keys, and no id is freed while one batch is interned. Its lines are
            // kept between batches and as many cleared as the batch needs (a power of two), so a
            // batch of a few rows neither allocates nor clears thousands of lines.
            let lines = batch.count <= 1 ? 1 : min(Self.cacheSize, 1 << (Int.bitWidth - (batch.count - 1).leadingZeroBitCount))
            var cachedKeys = cacheKeys
            var cachedIds = cacheIds
            cacheKeys = []
            cacheIds = []
            if cachedIds.isEmpty {
                cachedKeys = Array(repeating: 0, count: Self.cacheSize)
                cachedIds = Array(repeating: -1, count: Self.cacheSize)
            }
            defer {
                cacheKeys = cachedKeys
                cacheIds = cachedIds
            }
            for line in 0..<lines { cachedIds[line] = -1 }
            column.ints.withUnsafeBufferPointer { values in
                for row in 0..<batch.count {
                    if let validity, !validity.isValid(row) {
                        if nullId < 0 { nullId = newId(integer: 0, isNull: true, encoded: [], values: []) }
                        ids.append(nullId)
                        continue
                    }
                    let key = values[row]
                    let bits = UInt64(bitPattern: key)
                    let line = Int(truncatingIfNeeded: (bits ^ (bits >> 11)) & UInt64(lines - 1))
                    if cachedIds[line] >= 0, cachedKeys[line] == key {
                        ids.append(cachedIds[line])
                        continue
                    }
                    let id: Int32
                    if let known = integerIds[key] {
                        id = known
                    } else {
                        id = newId(integer: key, isNull: false, encoded: [], values: [])
                        integerIds[key] = id
                    }
                    cachedKeys[line] = key
                    cachedIds[line] = id
                    ids.append(id)
                }
            }
        case .general:
            for row in 0..<batch.count {
                encode(batch, row)
                if let id = encodedIds[scratch] {
                    ids.append(id)
                } else {
                    let values = keyColumns.indices.map { batch.columns[keyColumns[$0]].value(at: row, type: keyTypes[$0]) }
                    // A buffer of its own: a key sharing `scratch`'s makes the next encoding
                    // reallocate scratch, and every stored key would keep a scratch-sized buffer.
                    let encoded = scratch.withUnsafeBufferPointer { Array($0) }
                    let id = newId(integer: 0, isNull: false, encoded: encoded, values: values)
                    encodedIds[encoded] = id
                    ids.append(id)
                }
            }
        }
    }

    @inline(__always)
    func retain(_ id: Int32) { refCounts[Int(id)] += 1 }

    /// Drops one reference. The id is freed by the next `sweep()` if nothing retains it again,
    /// so ids of the batch being processed stay valid until the operator is done with it.
    func release(_ id: Int32) {
        refCounts[Int(id)] -= 1
        if refCounts[Int(id)] == 0 { recentIds.append(id) }
    }

    /// Frees the ids that no group retains any more (call between batches).
    func sweep() {
        for id in recentIds where refCounts[Int(id)] == 0 && !isFree[Int(id)] { remove(id) }
        recentIds.removeAll(keepingCapacity: true)
    }

    /// Appends key `id`'s values to `columns[first ..< first + keyColumns.count]`.
    func appendKey(_ id: Int32, into columns: inout [Column], at first: Int) {
        switch mode {
        case .none: break
        case .integer:
            if nullKeys[Int(id)] { columns[first].appendNull() } else { columns[first].appendInt(integerKeys[Int(id)]) }
        case .general:
            for (i, value) in valueKeys[Int(id)].enumerated() { columns[first + i].append(value) }
        }
    }

    /// Appends the values of keys `ids`, in order, as `appendKey` does for each.
    func appendKeys(_ ids: [Int32], into columns: inout [Column], at first: Int) {
        guard mode == .integer else {
            for id in ids { appendKey(id, into: &columns, at: first) }
            return
        }
        var column = columns[first]
        columns[first] = Column(kind: column.kind)
        column.ints.reserveCapacity(column.ints.count + ids.count)
        for id in ids {
            if nullKeys[Int(id)] { column.appendNull() } else { column.appendInt(integerKeys[Int(id)]) }
        }
        columns[first] = column
    }

    /// Key `id` as bytes that identify it among all keys of the table (for spilled state).
    func spillKey(_ id: Int32) -> [UInt8] {
        switch mode {
        case .none: return []
        case .integer:
            if nullKeys[Int(id)] { return [0] }
            var bytes: [UInt8] = [1]
            var word = UInt64(bitPattern: integerKeys[Int(id)])
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
            return bytes
        case .general: return encodedKeys[Int(id)]
        }
    }

    /// Output order of keys: NULL first, then ascending, column by column.
    func precedes(_ a: Int32, _ b: Int32) -> Bool {
        switch mode {
        case .none: return false
        case .integer:
            let an = nullKeys[Int(a)], bn = nullKeys[Int(b)]
            if an || bn { return an && !bn }
            return integerKeys[Int(a)] < integerKeys[Int(b)]
        case .general:
            for (x, y) in zip(valueKeys[Int(a)], valueKeys[Int(b)]) {
                let order = ValueOrder.compare(x, y)
                if order != 0 { return order < 0 }
            }
            return false
        }
    }

    /// The positions of `ids`, ordered as `precedes` orders their keys. Integer keys are sorted
    /// as plain (NULL flag, value) pairs, without a table lookup per comparison.
    func sortedOrder(of ids: [Int32]) -> [Int] {
        guard mode == .integer else {
            return ids.indices.sorted { precedes(ids[$0], ids[$1]) }
        }
        var entries: [(valid: Bool, value: Int64, position: Int)] = []
        entries.reserveCapacity(ids.count)
        for (position, id) in ids.enumerated() {
            let index = Int(id)
            let isNull = nullKeys[index]
            entries.append((!isNull, isNull ? 0 : integerKeys[index], position))
        }
        entries.sort { a, b in a.valid != b.valid ? !a.valid : a.value < b.value }
        return entries.map(\.position)
    }

    private func newId(integer: Int64, isNull: Bool, encoded: [UInt8], values: [Value]) -> Int32 {
        let id: Int32
        if let reused = freeIds.popLast() {
            id = reused
            isFree[Int(id)] = false
            integerKeys[Int(id)] = integer
            nullKeys[Int(id)] = isNull
            encodedKeys[Int(id)] = encoded
            valueKeys[Int(id)] = values
        } else {
            id = Int32(refCounts.count)
            refCounts.append(0)
            isFree.append(false)
            integerKeys.append(integer)
            nullKeys.append(isNull)
            encodedKeys.append(encoded)
            valueKeys.append(values)
        }
        recentIds.append(id)
        liveCount += 1
        return id
    }

    private func remove(_ id: Int32) {
        guard mode != .none else { return }
        let index = Int(id)
        switch mode {
        case .none: return
        case .integer:
            if nullKeys[index] { nullId = -1 } else { integerIds[integerKeys[index]] = nil }
        case .general:
            encodedIds[encodedKeys[index]] = nil
            encodedKeys[index] = []
            valueKeys[index] = []
        }
        isFree[index] = true
        freeIds.append(id)
        liveCount -= 1
    }

    private func encode(_ batch: RowBatch, _ row: Int) {
        scratch.removeAll(keepingCapacity: true)
        for index in keyColumns {
            let column = batch.columns[index]
            if column.isNull(row) {
                scratch.append(0)
                continue
            }
            scratch.append(1)
            switch column.kind {
            case .bool, .int64: appendWord(UInt64(bitPattern: column.ints[row]))
            case .int128:
                appendWord(UInt64(truncatingIfNeeded: column.wides[row]))
                appendWord(UInt64(truncatingIfNeeded: column.wides[row] >> 64))
            case .double:
                let d = column.doubles[row]
                appendWord(d == 0 ? 0 : d.bitPattern)
            case .bytes:
                column.strings.withBytes(row) { bytes in
                    appendWord(UInt64(bytes.count))
                    scratch.append(contentsOf: bytes)
                }
            case .list, .struct:
                column.appendKeyBytes(row, to: &scratch)
            }
        }
    }

    @inline(__always)
    private func appendWord(_ word: UInt64) {
        var w = word
        for _ in 0..<8 {
            scratch.append(UInt8(truncatingIfNeeded: w))
            w >>= 8
        }
    }
}

/// A total order on values of one column type, for deterministic output: NULL first.
enum ValueOrder {
    static func compare(_ a: Value, _ b: Value) -> Int {
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (.boolean(let x), .boolean(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.double(let x), .double(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)):
            if x == y { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        default:
            let x = integerValue(a), y = integerValue(b)
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }

    private static func integerValue(_ value: Value) -> Int128 {
        switch value {
        case .int(let v), .timestamp(let v), .date(let v), .interval(let v), .intervalMonths(let v): return Int128(v)
        case .decimal(let unscaled, _): return unscaled
        case .boolean(let b): return b ? 1 : 0
        default: return 0
        }
    }
}
