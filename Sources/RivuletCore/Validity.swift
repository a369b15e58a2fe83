/// A null bitmap: bit `i` set means row `i` holds a value. Columns without nulls carry none.
public struct Validity: Sendable, Hashable {
    public private(set) var words: [UInt64]
    public private(set) var count: Int

    /// `count` rows, all valid.
    public init(allValid count: Int) {
        self.count = count
        words = Array(repeating: ~0, count: (count + 63) / 64)
    }

    public init() {
        count = 0
        words = []
    }

    /// A bitmap over prepared words (bit `i` of word `i / 64` is row `i`), for kernels that
    /// combine null masks a word at a time. Bits at or past `count` are ignored.
    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) / 64, "validity needs \((count + 63) / 64) words for \(count) rows")
        self.words = words
        self.count = count
    }

    @inline(__always)
    public func isValid(_ index: Int) -> Bool {
        words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    @inline(__always)
    public mutating func set(_ index: Int, valid: Bool) {
        if valid {
            words[index >> 6] |= 1 << UInt64(index & 63)
        } else {
            words[index >> 6] &= ~(1 << UInt64(index & 63))
        }
    }

    @inline(__always)
    public mutating func append(_ valid: Bool) {
        if count & 63 == 0 { words.append(0) }
        // Clear as well as set: `init(allValid:)` fills whole words, past `count` too.
        if valid {
            words[count >> 6] |= 1 << UInt64(count & 63)
        } else {
            words[count >> 6] &= ~(1 << UInt64(count & 63))
        }
        count += 1
    }

    /// The bits of `rows`, in that order.
    public func rows<Rows: Collection<Int>>(_ rows: Rows) -> Validity {
        var out = Validity()
        out.reserveCapacity(rows.count)
        for row in rows { out.append(isValid(row)) }
        return out
    }

    public mutating func reserveCapacity(_ rows: Int) {
        words.reserveCapacity((rows + 63) / 64)
    }

    public var nullCount: Int {
        var valid = 0
        for (i, word) in words.enumerated() {
            let bits = min(64, count - i * 64)
            let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
            valid += (word & mask).nonzeroBitCount
        }
        return count - valid
    }
}
