/// A fixed list of byte strings in one allocation, for generators that pick words by index
/// and append their bytes without creating a `String` per row.
final class TextPool: @unchecked Sendable {
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let offsets: UnsafeMutableBufferPointer<Int>
    let count: Int

    init(_ items: [[UInt8]]) {
        count = items.count
        let total = items.reduce(0) { $0 + $1.count }
        bytes = .allocate(capacity: max(total, 1))
        offsets = .allocate(capacity: items.count + 1)
        var at = 0
        offsets[0] = 0
        for (i, item) in items.enumerated() {
            for b in item {
                bytes[at] = b
                at += 1
            }
            offsets[i + 1] = at
        }
    }

    convenience init(strings: [String]) { self.init(strings.map { Array($0.utf8) }) }

    deinit {
        bytes.deallocate()
        offsets.deallocate()
    }

    @inline(__always)
    subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes.baseAddress! + offsets[index], count: offsets[index + 1] - offsets[index])
    }
}
