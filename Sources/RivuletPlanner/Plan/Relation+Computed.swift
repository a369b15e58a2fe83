public import RivuletCore

/// A computed column of a declared relation: `schema[column]` is `expression` over the
/// relation's stored columns (Flink's `name AS expression`).
public struct ComputedColumn: Hashable, Sendable {
    public var column: Int
    public var expression: BoundExpr

    public init(column: Int, expression: BoundExpr) {
        self.column = column
        self.expression = expression
    }
}

extension Relation {
    /// The relation as its connector reads and writes it: the stored columns only, with key,
    /// system and watermark columns renumbered (a watermark on a computed column is dropped:
    /// the query's scan assigns it after computing the column).
    public var stored: Relation {
        guard !computedColumns.isEmpty else { return self }
        let positions = storedPositions
        var relation = self
        relation.schema = Schema(schema.fields.indices.filter { positions[$0] != nil }.map { schema[$0] })
        relation.primaryKey = primaryKey.compactMap { positions[$0] }
        relation.systemColumns = systemColumns.compactMap { positions[$0] }
        relation.watermark = watermark.flatMap { spec in
            positions[spec.column].map { WatermarkSpec(column: $0, delayMillis: spec.delayMillis) }
        }
        relation.computedColumns = []
        return relation
    }

    /// For each column of `schema`, its index among the stored columns, or nil when it is computed.
    public var storedPositions: [Int?] {
        let computed = Set(computedColumns.map(\.column))
        var next = 0
        return schema.fields.indices.map { index in
            guard !computed.contains(index) else { return nil }
            defer { next += 1 }
            return next
        }
    }

    /// The expression of column `index` when it is computed.
    public func computedExpression(of index: Int) -> BoundExpr? {
        computedColumns.first { $0.column == index }?.expression
    }

    /// Columns declared `AS PROCTIME()`: the time each row is read, Flink's processing-time attribute.
    public var processingTimeColumns: [Int] {
        computedColumns.filter { if case .call(.currentTimestamp, [], _) = $0.expression { true } else { false } }.map(\.column)
    }
}
