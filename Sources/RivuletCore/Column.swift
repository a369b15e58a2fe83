/// One column of a `RowBatch`: typed values plus an optional null bitmap.
///
/// Exactly one of `ints`, `wides`, `doubles` and `strings` is used, as `kind` says: integers,
/// decimals of up to 18 digits (unscaled), timestamps (ms), dates (days), intervals and
/// booleans (0/1) live in `ints`, wider decimals in `wides`.
/// Keeping the three buffers as plain stored arrays lets hot loops append and mutate in place.
///
/// Nested values (ARRAY, MAP, ROW) keep their parts in `children`: a list column's `ints` holds
/// each row's end offset into its children (the start is the previous row's end), a struct
/// column's `ints` holds a 0 per row so every kind counts its rows the same way. A NULL list
/// row is empty; a NULL struct row has a (NULL) slot in every child.
public struct Column: Sendable {
    public let kind: PhysicalKind
    public var ints: [Int64]
    public var wides: [Int128]
    public var doubles: [Double]
    public var strings: ByteColumn
    /// nil when the column has no NULLs.
    public var validity: Validity?
    /// The element columns of a nested column; empty otherwise.
    public var children: [Column]

    public init(kind: PhysicalKind, capacity: Int = 0) {
        self.kind = kind
        ints = []
        wides = []
        doubles = []
        strings = ByteColumn()
        validity = nil
        children = []
        switch kind {
        case .bool, .int64, .list, .struct: ints.reserveCapacity(capacity)
        case .int128: wides.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .bytes: strings.offsets.reserveCapacity(capacity + 1)
        }
    }

    public init(ints: [Int64], kind: PhysicalKind = .int64, validity: Validity? = nil) {
        self.kind = kind
        self.ints = ints
        wides = []
        doubles = []
        strings = ByteColumn()
        self.validity = validity
        children = []
    }

    public init(doubles: [Double], validity: Validity? = nil) {
        kind = .double
        ints = []
        wides = []
        self.doubles = doubles
        strings = ByteColumn()
        self.validity = validity
        children = []
    }

    public init(strings: ByteColumn, validity: Validity? = nil) {
        kind = .bytes
        ints = []
        wides = []
        doubles = []
        self.strings = strings
        self.validity = validity
        children = []
    }

    /// An empty column laid out for `type`, with the child columns a nested type needs.
    public init(type: SQLType, capacity: Int = 0) {
        self.init(kind: type.physical, capacity: capacity)
        children = type.childTypes.map { Column(type: $0) }
    }

    /// A nested column from its parts (a checkpoint being read, a kernel's output).
    public init(kind: PhysicalKind, ints: [Int64], children: [Column], validity: Validity? = nil) {
        self.init(ints: ints, kind: kind, validity: validity)
        self.children = children
    }

    /// An empty column of the same layout (children included).
    /// Drops every value but keeps the buffers, for a scratch column filled again and again.
    /// Only the buffer its kind uses is touched: a scratch row of many columns is cleared per row.
    public mutating func removeAll() {
        switch kind {
        case .bool, .int64: ints.removeAll(keepingCapacity: true)
        case .int128: wides.removeAll(keepingCapacity: true)
        case .double: doubles.removeAll(keepingCapacity: true)
        case .bytes:
            strings.bytes.removeAll(keepingCapacity: true)
            strings.offsets.removeAll(keepingCapacity: true)
            strings.offsets.append(0)
        case .list, .struct:
            ints.removeAll(keepingCapacity: true)
            for i in children.indices { children[i].removeAll() }
        }
        validity = nil
    }

    public func emptyCopy() -> Column {
        var out = Column(kind: kind)
        out.children = children.map { $0.emptyCopy() }
        return out
    }

    /// The child rows of list row `row`.
    @inline(__always)
    public func listRange(_ row: Int) -> Range<Int> {
        let start = row == 0 ? 0 : Int(ints[row - 1])
        return start..<Int(ints[row])
    }

    public var count: Int {
        switch kind {
        case .bool, .int64, .list, .struct: return ints.count
        case .int128: return wides.count
        case .double: return doubles.count
        case .bytes: return strings.count
        }
    }

    @inline(__always)
    public func isNull(_ row: Int) -> Bool {
        guard let validity else { return false }
        return !validity.isValid(row)
    }

    /// Marks the row about to be appended as valid or NULL, creating the bitmap on the first NULL.
    @inline(__always)
    public mutating func appendValidity(_ valid: Bool) {
        if validity == nil {
            if valid { return }
            validity = Validity(allValid: count)
        }
        validity!.append(valid)
    }

    @inline(__always)
    public mutating func appendNull() {
        let row = count
        switch kind {
        case .bool, .int64: ints.append(0)
        case .int128: wides.append(0)
        case .double: doubles.append(0)
        case .bytes: strings.appendEmpty()
        case .list: ints.append(ints.last ?? 0)
        case .struct:
            ints.append(0)
            for i in children.indices { children[i].appendNull() }
        }
        if validity == nil { validity = Validity(allValid: row) }
        validity!.append(false)
    }

    /// Appends row `row` of `other` (same kind).
    @inline(__always)
    public mutating func append(from other: Column, row: Int) {
        if other.isNull(row) {
            appendNull()
            return
        }
        switch kind {
        case .bool, .int64: ints.append(other.ints[row])
        case .int128: wides.append(other.wides[row])
        case .double: doubles.append(other.doubles[row])
        case .bytes: other.strings.withBytes(row) { strings.append($0) }
        case .list:
            for c in children.indices {
                for r in other.listRange(row) { children[c].append(from: other.children[c], row: r) }
            }
            ints.append(Int64(children.first?.count ?? 0))
        case .struct:
            for c in children.indices { children[c].append(from: other.children[c], row: row) }
            ints.append(0)
        }
        if validity != nil { validity!.append(true) }
    }

    /// Appends rows `rows` of `other` (same kind), in that order.
    public mutating func append(from other: Column, rows: [Int32]) {
        if other.validity == nil, validity == nil {
            switch kind {
            case .bool, .int64:
                ints.reserveCapacity(ints.count + rows.count)
                for row in rows { ints.append(other.ints[Int(row)]) }
                return
            case .int128:
                wides.reserveCapacity(wides.count + rows.count)
                for row in rows { wides.append(other.wides[Int(row)]) }
                return
            case .double:
                doubles.reserveCapacity(doubles.count + rows.count)
                for row in rows { doubles.append(other.doubles[Int(row)]) }
                return
            case .bytes, .list, .struct: break
            }
        }
        for row in rows { append(from: other, row: Int(row)) }
    }

    /// The rows at `indices`, in that order. A column at a time, the children of a ROW column
    /// too (a NULL row keeps its NULL slot in each child); list rows one by one.
    public func gather(_ indices: [Int]) -> Column {
        var out = emptyCopy()
        switch kind {
        case .bool, .int64: out.ints = indices.map { ints[$0] }
        case .int128: out.wides = indices.map { wides[$0] }
        case .double: out.doubles = indices.map { doubles[$0] }
        case .bytes: for i in indices { strings.withBytes(i) { out.strings.append($0) } }
        case .struct:
            out.ints = [Int64](repeating: 0, count: indices.count)
            out.children = children.map { $0.gather(indices) }
        case .list:
            for i in indices { out.append(from: self, row: i) }
            return out
        }
        out.validity = validity?.rows(indices)
        return out
    }

    /// Rows `range`, copied as runs of memory (a ROW column child by child).
    public func slice(_ range: Range<Int>) -> Column {
        var out = Column(kind: kind)
        switch kind {
        case .bool, .int64, .struct: out.ints = Array(ints[range])
        case .int128: out.wides = Array(wides[range])
        case .double: out.doubles = Array(doubles[range])
        case .bytes:
            let base = strings.offsets[range.lowerBound]
            out.strings.bytes = Array(strings.bytes[base..<strings.offsets[range.upperBound]])
            out.strings.offsets = strings.offsets[range.lowerBound...range.upperBound].map { $0 - base }
        case .list:
            out.children = children.map { $0.emptyCopy() }
            for i in range { out.append(from: self, row: i) }
            return out
        }
        if kind == .struct { out.children = children.map { $0.slice(range) } }
        out.validity = validity?.rows(range)
        return out
    }

    /// A column of `count` rows holding row `i` of this column at row `positions[i]` (ascending)
    /// and NULL at every other row: the inverse of `gather`, for a column that fills some rows
    /// of a wider batch.
    public func scattered(to positions: [Int], count: Int) -> Column {
        var out = emptyCopy()
        var bits = Validity(words: [UInt64](repeating: 0, count: (count + 63) / 64), count: count)
        for (i, position) in positions.enumerated() where !isNull(i) { bits.set(position, valid: true) }
        switch kind {
        case .bool, .int64:
            out.ints = [Int64](repeating: 0, count: count)
            for (i, position) in positions.enumerated() { out.ints[position] = ints[i] }
        case .int128:
            out.wides = [Int128](repeating: 0, count: count)
            for (i, position) in positions.enumerated() { out.wides[position] = wides[i] }
        case .double:
            out.doubles = [Double](repeating: 0, count: count)
            for (i, position) in positions.enumerated() { out.doubles[position] = doubles[i] }
        case .bytes:
            var next = 0
            for row in 0..<count {
                if next < positions.count, positions[next] == row {
                    strings.withBytes(next) { out.strings.append($0) }
                    next += 1
                } else {
                    out.strings.appendEmpty()
                }
            }
        case .struct:
            out.ints = [Int64](repeating: 0, count: count)
            out.children = children.map { $0.scattered(to: positions, count: count) }
        case .list:
            var next = 0
            for row in 0..<count {
                if next < positions.count, positions[next] == row {
                    out.append(from: self, row: next)
                    next += 1
                } else {
                    out.appendNull()
                }
            }
        }
        out.validity = bits
        return out
    }
}

extension Column {
    /// Row `row` of a DECIMAL column: its unscaled value, whichever layout the precision gives it.
    @inline(__always)
    public func unscaled(at row: Int) -> Int128 {
        kind == .int128 ? wides[row] : Int128(ints[row])
    }

    /// Appends an unscaled DECIMAL value that fits the column's precision.
    @inline(__always)
    public mutating func appendUnscaled(_ value: Int128) {
        if kind == .int128 { wides.append(value) } else { ints.append(Int64(truncatingIfNeeded: value)) }
        if validity != nil { validity!.append(true) }
    }
}
