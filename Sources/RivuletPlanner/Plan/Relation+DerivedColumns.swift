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

/// A metadata column of a declared relation: `schema[column]` is filled by the connector with what
/// it knows of each record under `key` (`'timestamp'` of a Kafka record, `'op_ts'` of a database
/// change). Read-only: an INSERT does not write it (as Flink's `VIRTUAL`).
public struct MetadataColumn: Hashable, Sendable {
    public var column: Int
    public var key: String

    public init(column: Int, key: String) {
        self.column = column
        self.key = key
    }
}

extension Relation {
    /// The relation as its connector reads it: without computed columns (a watermark on one is
    /// dropped: the query's scan assigns it after computing the column).
    public var stored: Relation {
        removing(Set(computedColumns.map(\.column)))
    }

    /// The relation as a sink writes it: the stored columns without the metadata ones.
    public var written: Relation {
        let stored = stored
        return stored.removing(Set(stored.metadataColumns.map(\.column)))
    }

    /// For each column of `schema`, its index among the stored columns, or nil when it is computed.
    public var storedPositions: [Int?] {
        positions(without: Set(computedColumns.map(\.column)))
    }

    /// The expression of column `index` when it is computed.
    public func computedExpression(of index: Int) -> BoundExpr? {
        computedColumns.first { $0.column == index }?.expression
    }

    /// The metadata key of column `index`, when the connector fills it.
    public func metadataKey(of index: Int) -> String? {
        metadataColumns.first { $0.column == index }?.key
    }

    /// Columns declared `AS PROCTIME()`: the time each row is read, Flink's processing-time attribute.
    public var processingTimeColumns: [Int] {
        computedColumns.filter(\.expression.isProcessingTimeAttribute).map(\.column)
    }

    /// The relation without `columns`, every column index renumbered.
    private func removing(_ columns: Set<Int>) -> Relation {
        guard !columns.isEmpty else { return self }
        let positions = positions(without: columns)
        var relation = self
        relation.schema = Schema(schema.fields.indices.filter { positions[$0] != nil }.map { schema[$0] })
        relation.primaryKey = primaryKey.compactMap { positions[$0] }
        relation.systemColumns = systemColumns.compactMap { positions[$0] }
        relation.watermark = watermark.flatMap { spec in
            positions[spec.column].map { WatermarkSpec(column: $0, delayMillis: spec.delayMillis) }
        }
        relation.computedColumns = computedColumns.compactMap { computed in
            positions[computed.column].map { ComputedColumn(column: $0, expression: computed.expression.remapColumns { positions[$0]! }) }
        }
        relation.metadataColumns = metadataColumns.compactMap { metadata in
            positions[metadata.column].map { MetadataColumn(column: $0, key: metadata.key) }
        }
        relation.partitionColumns = partitionColumns.compactMap { positions[$0] }
        return relation
    }

    private func positions(without columns: Set<Int>) -> [Int?] {
        var next = 0
        return schema.fields.indices.map { index in
            guard !columns.contains(index) else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
