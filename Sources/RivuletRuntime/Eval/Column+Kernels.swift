import RivuletCore

extension Column {
    /// `count` copies of `scalar` (all NULL for `.null`).
    static func broadcast(_ scalar: Scalar, kind: PhysicalKind, count: Int) -> Column {
        switch scalar {
        case .null: return nulls(kind: kind, count: count)
        case .int(let v):
            if kind == .double { return Column(doubles: Array(repeating: Double(v), count: count)) }
            return Column(ints: Array(repeating: v, count: count), kind: kind == .bytes ? .int64 : kind)
        case .double(let v): return Column(doubles: Array(repeating: v, count: count))
        case .wide(let v):
            var column = Column(kind: .int128)
            column.wides = Array(repeating: v, count: count)
            return column
        case .bytes(let v):
            var strings = ByteColumn()
            strings.reserveCapacity(rows: count, bytes: v.count * count)
            v.withUnsafeBufferPointer { buffer in
                for _ in 0..<count { strings.append(buffer) }
            }
            return Column(strings: strings)
        }
    }

    /// `count` copies of `value`, of nested `type`: built through the boxed path, since nested
    /// constants are rare and their children must be laid out for the type.
    static func repeating(_ value: Value, type: SQLType, count: Int) -> Column {
        var column = Column(type: type, capacity: count)
        for _ in 0..<count { column.append(value) }
        return column
    }

    /// `count` NULLs of `kind` (flat kinds; a nested NULL column comes from `repeating`).
    static func nulls(kind: PhysicalKind, count: Int) -> Column {
        let validity = Validity.allNull(count)
        switch kind {
        case .bool, .int64, .list, .struct:
            return Column(ints: Array(repeating: 0, count: count), kind: kind, validity: validity)
        case .double: return Column(doubles: Array(repeating: 0, count: count), validity: validity)
        case .int128:
            var column = Column(kind: .int128)
            column.wides = Array(repeating: 0, count: count)
            column.validity = validity
            return column
        case .bytes:
            var strings = ByteColumn()
            strings.offsets = Array(repeating: 0, count: count + 1)
            return Column(strings: strings, validity: validity)
        }
    }

    /// A BOOLEAN column from 0/1 values.
    static func bools(_ values: [Int64], validity: Validity?) -> Column {
        Column(ints: values, kind: .bool, validity: validity)
    }

    /// Whether row `row` is TRUE (valid and non-zero), for BOOLEAN columns.
    @inline(__always)
    func isTrue(_ row: Int) -> Bool { ints[row] != 0 && !isNull(row) }

    /// Indices of TRUE rows of a BOOLEAN column.
    func trueRows() -> [Int] {
        var rows: [Int] = []
        rows.reserveCapacity(ints.count)
        ints.withUnsafeBufferPointer { values in
            if let validity {
                validity.words.withUnsafeBufferPointer { words in
                    for i in 0..<values.count where values[i] != 0 && isValid(words, i) { rows.append(i) }
                }
            } else {
                for i in 0..<values.count where values[i] != 0 { rows.append(i) }
            }
        }
        return rows
    }

    /// The same values with `validity` replaced.
    func with(validity: Validity?) -> Column {
        var copy = self
        copy.validity = validity
        return copy
    }
}

extension RowBatch {
    /// The rows at `indices`, gathering only `needed` columns; the others become empty
    /// placeholders (used to evaluate a conditional branch on just the rows that reach it).
    func gather(_ indices: [Int], columns needed: Set<Int>) -> RowBatch {
        let gathered = columns.indices.map { i in
            needed.contains(i) ? columns[i].gather(indices) : columns[i].emptyCopy()
        }
        return RowBatch(columns: gathered, count: indices.count)
    }
}
