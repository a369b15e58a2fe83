/// Checks the text of a VARCHAR field before it is kept: it must be valid UTF-8 without NUL
/// bytes. Plain ASCII without NULs, the common case, is recognised eight bytes at a time.
enum TextCheck {
    /// Why `text` cannot be a VARCHAR value, or nil when it can.
    @inline(__always)
    static func problem(_ text: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = text.baseAddress else { return nil }
        let n = text.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var p = 0
        while p + 8 <= n {
            let word = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
            // A high bit set, or a zero byte.
            if (word | (word &- ones) & ~word) & highs != 0 { return slowProblem(text) }
            p += 8
        }
        while p < n {
            let c = base[p]
            if c == 0 || c >= 0x80 { return slowProblem(text) }
            p += 1
        }
        return nil
    }

    private static func slowProblem(_ text: UnsafeBufferPointer<UInt8>) -> String? {
        if let nul = text.firstIndex(of: 0) { return "a NUL byte at byte \(nul + 1) of a text value" }
        var decoder = UTF8()
        var iterator = text.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return nil
            case .error:
                return "text that is not valid UTF-8 at byte \(offset + 1)"
            }
        }
    }
}
