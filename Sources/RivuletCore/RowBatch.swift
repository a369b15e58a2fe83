/// A columnar micro-batch: the unit rows move in between operators.
public struct RowBatch: Sendable {
    public var columns: [Column]
    public var count: Int
    /// The change each row carries; nil means every row is an insert (an append-only batch).
    public var kinds: [RowKind]?
    /// For each row, the source's watermark just before that row arrived (epoch ms), set by the
    /// watermark assigner. Operators decide lateness per row from it, so which rows are late
    /// depends only on input order, never on how rows were cut into batches.
    public var arrivalWatermarks: [Int64]?
    /// Set by a source that tracks event time itself (one watermark per partition, idle
    /// partitions: Kafka): its watermark after the last row of this batch. Such a source also
    /// sets `arrivalWatermarks`, and the watermark assigner keeps both instead of computing its own.
    public var sourceWatermark: Int64?

    public init(columns: [Column], count: Int, kinds: [RowKind]? = nil, arrivalWatermarks: [Int64]? = nil) {
        self.columns = columns
        self.count = count
        self.kinds = kinds
        self.arrivalWatermarks = arrivalWatermarks
    }

    /// An empty batch with columns laid out for `types`.
    public init(types: [SQLType], capacity: Int = 0) {
        columns = types.map { Column(type: $0, capacity: capacity) }
        count = 0
        kinds = nil
        arrivalWatermarks = nil
    }

    @inline(__always)
    public func kind(_ row: Int) -> RowKind { kinds?[row] ?? .insert }

    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int]) -> RowBatch {
        RowBatch(
            columns: columns.map { $0.gather(indices) }, count: indices.count,
            kinds: kinds.map { k in indices.map { k[$0] } },
            arrivalWatermarks: arrivalWatermarks.map { w in indices.map { w[$0] } })
    }

    /// Rows `range`, in order.
    public func slice(_ range: Range<Int>) -> RowBatch {
        RowBatch(
            columns: columns.map { $0.slice(range) }, count: range.count,
            kinds: kinds.map { Array($0[range]) }, arrivalWatermarks: arrivalWatermarks.map { Array($0[range]) })
    }

    /// Appends one row given as values (a slow path for tests, literals and small outputs).
    public mutating func appendRow(_ values: [Value], kind: RowKind = .insert) {
        precondition(values.count == columns.count, "row width \(values.count) does not match \(columns.count) columns")
        for (i, value) in values.enumerated() { columns[i].append(value) }
        if kinds != nil || kind != .insert {
            if kinds == nil { kinds = Array(repeating: .insert, count: count) }
            kinds!.append(kind)
        }
        count += 1
    }

    /// Appends every row of `other` (columns of the same types), with its row kinds: many small
    /// batches kept as one, without a batch's overhead per row.
    public mutating func append(contentsOf other: RowBatch) {
        if kinds != nil || other.kinds != nil {
            if kinds == nil { kinds = Array(repeating: .insert, count: count) }
            kinds!.append(contentsOf: other.kinds ?? Array(repeating: .insert, count: other.count))
        }
        for c in columns.indices {
            for row in 0..<other.count { columns[c].append(from: other.columns[c], row: row) }
        }
        count += other.count
        arrivalWatermarks = nil
        sourceWatermark = nil
    }

    /// Row `row` as values, given the column types.
    public func row(_ row: Int, types: [SQLType]) -> [Value] {
        columns.indices.map { columns[$0].value(at: row, type: types[$0]) }
    }
}
