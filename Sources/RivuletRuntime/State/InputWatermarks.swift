import RivuletCore

/// The watermarks of a two-input operator's inputs; the operator's own is their minimum.
struct InputWatermarks {
    private(set) var ports: [Int64] = [Watermark.none, Watermark.none]

    /// Records input `port`'s new watermark; returns the combined one if it moved.
    mutating func advance(_ port: Int, to watermark: Int64) -> Int64? {
        let before = combined
        ports[port] = max(ports[port], watermark)
        let after = combined
        return after > before ? after : nil
    }

    var combined: Int64 { min(ports[0], ports[1]) }

    /// The watermark a row arriving on `port` is judged by: its own input's watermark just
    /// before it (as the source assigned it) and the other input's current one.
    @inline(__always)
    func arrival(_ batch: RowBatch, row: Int, port: Int) -> Int64 {
        let own = batch.arrivalWatermarks?[row] ?? ports[port]
        return min(own, ports[1 - port])
    }

    func save(into writer: inout StateWriter) {
        writer.write(ports[0])
        writer.write(ports[1])
    }

    mutating func restore(from reader: inout StateReader) throws(SQLError) {
        ports = [try reader.readInt64(), try reader.readInt64()]
    }
}
