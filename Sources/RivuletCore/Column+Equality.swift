/// Row equality and key encoding that follow nested columns down to their leaves, so group
/// and join keys work for ARRAY, MAP and ROW values as for flat ones.
extension Column {
    /// Whether row `row` equals row `otherRow` of `other` (same layout), a NULL equal to a NULL
    /// at every level: the equality of keys and stored rows, not SQL's `=`.
    public func rowEquals(_ row: Int, _ other: Column, _ otherRow: Int) -> Bool {
        let nullA = isNull(row), nullB = other.isNull(otherRow)
        if nullA || nullB { return nullA == nullB }
        switch kind {
        case .bool, .int64: return ints[row] == other.ints[otherRow]
        case .int128: return wides[row] == other.wides[otherRow]
        case .double: return doubles[row] == other.doubles[otherRow]
        case .bytes: return other.strings.withBytes(otherRow) { strings.equals(row, $0) }
        case .list:
            let mine = listRange(row), theirs = other.listRange(otherRow)
            guard mine.count == theirs.count else { return false }
            for c in children.indices {
                for (a, b) in zip(mine, theirs) where !children[c].rowEquals(a, other.children[c], b) { return false }
            }
            return true
        case .struct:
            return children.indices.allSatisfy { children[$0].rowEquals(row, other.children[$0], otherRow) }
        }
    }

    /// Appends bytes that identify row `row`'s value: equal values (by `rowEquals`) give equal
    /// bytes and different values different ones (every part is tagged or length-prefixed).
    public func appendKeyBytes(_ row: Int, to out: inout [UInt8]) {
        if isNull(row) {
            out.append(0)
            return
        }
        out.append(1)
        switch kind {
        case .bool, .int64: Self.appendWord(UInt64(bitPattern: ints[row]), to: &out)
        case .int128:
            Self.appendWord(UInt64(truncatingIfNeeded: wides[row]), to: &out)
            Self.appendWord(UInt64(truncatingIfNeeded: wides[row] >> 64), to: &out)
        case .double:
            let d = doubles[row]
            Self.appendWord(d == 0 ? 0 : d.bitPattern, to: &out)  // -0.0 and 0.0 are one key
        case .bytes:
            strings.withBytes(row) { bytes in
                Self.appendWord(UInt64(bytes.count), to: &out)
                out.append(contentsOf: bytes)
            }
        case .list:
            let range = listRange(row)
            Self.appendWord(UInt64(range.count), to: &out)
            for c in children.indices {
                for r in range { children[c].appendKeyBytes(r, to: &out) }
            }
        case .struct:
            for child in children { child.appendKeyBytes(row, to: &out) }
        }
    }

    @inline(__always)
    static func appendWord(_ word: UInt64, to out: inout [UInt8]) {
        var w = word
        for _ in 0..<8 {
            out.append(UInt8(truncatingIfNeeded: w))
            w >>= 8
        }
    }
}
