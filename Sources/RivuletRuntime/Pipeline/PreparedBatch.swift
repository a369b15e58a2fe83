import RivuletCore

/// A batch of one source, read and taken through the source's watermark assigner and its
/// row-wise operators at once, waiting to be merged with the other sources in runs.
///
/// The merge orders the source's rows as they were read (`times`, after the assigner has
/// dropped rows without an event time), so which rows precede which, and the watermark after
/// each run, are the same as if every row went through the row-wise operators one run at a
/// time; `rows` are what those operators made of them, each from the read row `origins` names.
struct PreparedBatch {
    /// Rows read, after the assigner.
    let count: Int
    /// Each read row's event time; nil for a source without one.
    let times: [Int64]?
    /// The source's watermark just before each read row; nil for a source without event time.
    let arrivals: [Int64]?
    /// The source's watermark after the last read row.
    let endWatermark: Int64
    /// What the row-wise operators made of the read rows.
    let rows: RowBatch
    /// For each of `rows`, the read row it comes from; nil when row i comes from read row i.
    let origins: [Int]?
    /// The first read row not yet merged, and the first of `rows` not yet handed on.
    var offset = 0
    var rowOffset = 0

    init(count: Int, times: [Int64]?, arrivals: [Int64]?, endWatermark: Int64, rows: RowBatch, origins: [Int]?) {
        self.count = count
        self.times = times
        self.arrivals = arrivals
        self.endWatermark = endWatermark
        self.rows = rows
        self.origins = origins
    }

    var isDone: Bool { offset >= count }

    /// The source's watermark once read rows before `row` have been merged.
    func watermark(before row: Int) -> Int64? {
        guard let arrivals else { return nil }
        return row < count ? arrivals[row] : endWatermark
    }

    /// Marks the read rows up to `end` merged and returns what they made.
    mutating func take(upTo end: Int) -> RowBatch? {
        offset = end
        let first = rowOffset
        if let origins {
            while rowOffset < origins.count, origins[rowOffset] < end { rowOffset += 1 }
        } else {
            rowOffset = end
        }
        if rowOffset == first { return nil }
        return first == 0 && rowOffset == rows.count ? rows : rows.slice(first..<rowOffset)
    }

    func write(into writer: inout StateWriter) {
        writer.write(count)
        writer.write(optionalInts: times)
        writer.write(optionalInts: arrivals)
        writer.write(endWatermark)
        writer.write(batch: rows)
        writer.write(optionalInts: origins.map { $0.map(Int64.init) })
        writer.write(offset)
        writer.write(rowOffset)
    }

    init(from reader: inout StateReader) throws(SQLError) {
        let count = try reader.readCount()
        self.count = count
        times = try reader.readOptionalInts(count: count)
        arrivals = try reader.readOptionalInts(count: count)
        endWatermark = try reader.readInt64()
        rows = try reader.readBatch()
        let origins = try reader.readOptionalInts(count: rows.count)
        guard origins?.allSatisfy({ $0 >= 0 && $0 < count }) ?? (rows.count == count), (times?.count ?? count) == count else {
            throw StateReader.corrupt("rows of a pending batch that come from no row read")
        }
        self.origins = origins?.map(Int.init)
        offset = try reader.readCount(limit: count)
        rowOffset = try reader.readCount(limit: rows.count)
    }
}

extension StateWriter {
    fileprivate mutating func write(optionalInts values: [Int64]?) {
        write(values != nil)
        for value in values ?? [] { write(value) }
    }
}

extension StateReader {
    fileprivate mutating func readOptionalInts(count: Int) throws(SQLError) -> [Int64]? {
        guard try readBool() else { return nil }
        var values: [Int64] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readInt64()) }
        return values
    }
}
