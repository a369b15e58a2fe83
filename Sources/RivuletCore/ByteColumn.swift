/// Variable-length values (VARCHAR) packed into one byte buffer with an offset per row,
/// so a batch of strings costs two allocations, not one per value.
public struct ByteColumn: Sendable, Hashable {
    public var bytes: [UInt8]
    /// `count + 1` offsets; value `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    public var offsets: [Int]

    public init() {
        self = Self.empty
    }

    /// Shared by every empty column: its one offset is allocated once, and copied only by the
    /// first append (most columns of a batch hold no text and never append).
    private static let empty = ByteColumn(bytes: [], offsets: [0])

    private init(bytes: [UInt8], offsets: [Int]) {
        self.bytes = bytes
        self.offsets = offsets
    }

    public var count: Int { offsets.count - 1 }

    public mutating func reserveCapacity(rows: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(rows + 1)
        bytes.reserveCapacity(byteCount)
    }

    @inline(__always)
    public mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
        offsets.append(bytes.count)
    }

    public mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append($0) }
    }

    /// Appends an empty value (used for NULL slots).
    @inline(__always)
    public mutating func appendEmpty() {
        offsets.append(bytes.count)
    }

    @inline(__always)
    public func length(_ index: Int) -> Int { offsets[index + 1] - offsets[index] }

    /// Calls `body` with the bytes of value `index`, without copying.
    @inline(__always)
    public func withBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = offsets[index]
        let end = offsets[index + 1]
        return try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[start..<end]))
        }
    }

    public subscript(index: Int) -> String {
        withBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether value `index` equals the bytes of `other`.
    public func equals(_ index: Int, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        withBytes(index) { mine in
            mine.count == other.count && (mine.count == 0 || memcmpBytes(mine, other) == 0)
        }
    }
}

/// Lexicographic byte comparison (what UTF-8 string ordering is).
@inline(__always)
public func memcmpBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let n = min(a.count, b.count)
    var i = 0
    while i < n {
        let x = a[i], y = b[i]
        if x != y { return x < y ? -1 : 1 }
        i += 1
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}
