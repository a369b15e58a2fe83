import RivuletCore

extension Column {
    /// Appends a non-NULL integer-kind value (ints, decimals unscaled, timestamps, booleans).
    @inline(__always)
    mutating func appendInt(_ value: Int64) {
        ints.append(value)
        if validity != nil { validity!.append(true) }
    }

    /// Appends a non-NULL integer-kind value `count` times.
    mutating func appendRepeated(_ value: Int64, count: Int) {
        ints.append(contentsOf: repeatElement(value, count: count))
        if validity != nil { for _ in 0..<count { validity!.append(true) } }
    }

    /// Appends a non-NULL DOUBLE.
    @inline(__always)
    mutating func appendDouble(_ value: Double) {
        doubles.append(value)
        if validity != nil { validity!.append(true) }
    }

    /// Appends non-NULL VARCHAR bytes.
    mutating func appendBytes(_ value: [UInt8]) {
        value.withUnsafeBufferPointer { strings.append($0) }
        if validity != nil { validity!.append(true) }
    }

    /// Row `row` of a VARCHAR column as an owned byte array.
    func bytes(at row: Int) -> [UInt8] {
        strings.withBytes(row) { Array($0) }
    }
}

/// A FILTER (WHERE ...) column: rows count only where it is TRUE (not FALSE, not NULL).
struct RowFilter {
    let column: Column?

    init(_ batch: RowBatch, _ index: Int?) {
        column = index.map { batch.columns[$0] }
    }

    @inline(__always)
    func passes(_ row: Int) -> Bool {
        guard let column else { return true }
        return column.ints[row] != 0 && !column.isNull(row)
    }
}

/// VARCHAR bytes ordered as UTF-8 strings compare (byte-wise), for MIN/MAX and DISTINCT state.
struct ByteString: Hashable, Comparable {
    var bytes: [UInt8]

    static func < (a: ByteString, b: ByteString) -> Bool {
        a.bytes.lexicographicallyPrecedes(b.bytes)
    }
}
