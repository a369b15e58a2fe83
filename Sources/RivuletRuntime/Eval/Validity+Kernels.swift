import RivuletCore

extension Validity {
    /// `count` rows, all NULL.
    static func allNull(_ count: Int) -> Validity {
        Validity(words: Array(repeating: 0, count: (count + 63) / 64), count: count)
    }

    /// Rows valid in both (nil means all valid), combined a word at a time.
    static func and(_ a: Validity?, _ b: Validity?) -> Validity? {
        guard let a else { return b }
        guard let b else { return a }
        var words = a.words
        b.words.withUnsafeBufferPointer { bw in
            for i in words.indices { words[i] &= bw[i] }
        }
        return Validity(words: words, count: a.count)
    }

    /// Rows valid in all of `validities`.
    static func and(_ validities: [Validity?]) -> Validity? {
        validities.reduce(nil) { and($0, $1) }
    }

    /// `self` with the rows in `rows` marked NULL.
    static func clearing(_ rows: [Int], in validity: Validity?, count: Int) -> Validity {
        var result = validity ?? Validity(allValid: count)
        for row in rows { result.set(row, valid: false) }
        return result
    }
}

/// Reads validity bits without bounds checks on the Array each time.
@inline(__always)
func isValid(_ words: UnsafeBufferPointer<UInt64>, _ row: Int) -> Bool {
    words[row &>> 6] & (1 &<< UInt64(row & 63)) != 0
}

/// Calls `body` with the validity words of a column, or nil when it has no NULLs.
@inline(__always)
func withValidityWords<R>(_ validity: Validity?, _ body: (UnsafeBufferPointer<UInt64>?) -> R) -> R {
    guard let validity else { return body(nil) }
    return validity.words.withUnsafeBufferPointer { body($0) }
}
