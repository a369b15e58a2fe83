public import RivuletCore

/// Boxed values and rows, for operators that keep their state as `Value`s (joins, Top-N):
/// a tag byte, then the payload in the writer's usual encodings. Whole batches, for rows a
/// driver has read from a source but not yet processed.
extension StateWriter {
    public mutating func write(_ value: Value) {
        switch value {
        case .null: write(UInt64(0))
        case .boolean(let b):
            write(UInt64(1))
            write(b)
        case .int(let i):
            write(UInt64(2))
            write(i)
        case .double(let d):
            write(UInt64(3))
            write(d)
        case .decimal(let unscaled, let scale):
            if let narrow = Int64(exactly: unscaled) {
                write(UInt64(4))
                write(narrow)
            } else {
                write(UInt64(13))
                write(wide: unscaled)
            }
            write(scale)
        case .string(let s):
            write(UInt64(5))
            write(s)
        case .timestamp(let ms):
            write(UInt64(6))
            write(ms)
        case .date(let days):
            write(UInt64(7))
            write(days)
        case .interval(let ms):
            write(UInt64(8))
            write(ms)
        case .intervalMonths(let months):
            write(UInt64(9))
            write(months)
        case .array(let elements):
            write(UInt64(10))
            write(row: elements)
        case .map(let keys, let values):
            write(UInt64(11))
            write(row: keys)
            write(row: values)
        case .row(let fields):
            write(UInt64(12))
            write(row: fields)
        }
    }

    /// A row (or a key): its width, then its values.
    public mutating func write(row: [Value]) {
        write(row.count)
        for value in row { write(value) }
    }

    /// A row that may be absent (a deleted version, a NULL key).
    public mutating func write(optionalRow row: [Value]?) {
        write(row != nil)
        if let row { write(row: row) }
    }

    /// A batch: its columns, row kinds and watermarks.
    public mutating func write(batch: RowBatch) {
        write(batch.count)
        write(batch.columns.count)
        for column in batch.columns { write(column) }
        write(batch.kinds != nil)
        for kind in batch.kinds ?? [] { write(UInt64(kind.rawValue)) }
        write(batch.arrivalWatermarks != nil)
        for watermark in batch.arrivalWatermarks ?? [] { write(watermark) }
        write(batch.sourceWatermark != nil)
        if let watermark = batch.sourceWatermark { write(watermark) }
    }
}

extension StateReader {
    public mutating func readValue() throws(SQLError) -> Value {
        switch try readUInt64() {
        case 0: return .null
        case 1: return .boolean(try readBool())
        case 2: return .int(try readInt64())
        case 3: return .double(try readDouble())
        case 4: return .decimal(unscaled: Int128(try readInt64()), scale: try readCount(limit: 38))
        case 13: return .decimal(unscaled: try readWide(), scale: try readCount(limit: 38))
        case 5: return .string(try readString())
        case 6: return .timestamp(try readInt64())
        case 7: return .date(try readInt64())
        case 8: return .interval(milliseconds: try readInt64())
        case 9: return .intervalMonths(try readInt64())
        case 10: return .array(try readRow(limit: Self.nestedLimit))
        case 11:
            let keys = try readRow(limit: Self.nestedLimit)
            let values = try readRow(limit: Self.nestedLimit)
            guard keys.count == values.count else { throw Self.corrupt("a map of \(keys.count) keys and \(values.count) values") }
            return .map(keys: keys, values: values)
        case 12: return .row(try readRow())
        case let tag: throw Self.corrupt("a value of unknown kind \(tag)")
        }
    }

    /// A row, or (with a larger `limit`) the elements of a nested value or a collected list.
    public mutating func readRow(limit: Int = 1 << 16) throws(SQLError) -> [Value] {
        let count = try readCount(limit: limit)
        var row: [Value] = []
        row.reserveCapacity(min(count, 4096))  // a damaged count fails on reading, not on allocating
        for _ in 0..<count { row.append(try readValue()) }
        return row
    }

    /// Elements of one nested value or collected list (each also takes bytes of the input).
    static let nestedLimit = 1 << 30

    public mutating func readBatch() throws(SQLError) -> RowBatch {
        let count = try readCount()
        var columns: [Column] = []
        for _ in 0..<(try readCount(limit: 1 << 16)) {
            let column = try readColumn()
            guard column.count == count else { throw Self.corrupt("a batch column of \(column.count) rows in a batch of \(count)") }
            columns.append(column)
        }
        var batch = RowBatch(columns: columns, count: count)
        if try readBool() {
            var kinds: [RowKind] = []
            for _ in 0..<count {
                let raw = try readUInt64()
                guard let kind = RowKind(rawValue: UInt8(truncatingIfNeeded: raw)), UInt64(kind.rawValue) == raw else {
                    throw Self.corrupt("a row kind of \(raw)")
                }
                kinds.append(kind)
            }
            batch.kinds = kinds
        }
        if try readBool() {
            var watermarks: [Int64] = []
            for _ in 0..<count { watermarks.append(try readInt64()) }
            batch.arrivalWatermarks = watermarks
        }
        if try readBool() { batch.sourceWatermark = try readInt64() }
        return batch
    }

    public mutating func readOptionalRow() throws(SQLError) -> [Value]? {
        try readBool() ? try readRow() : nil
    }
}
