extension StreamPlan {
    /// For a keyed table read as it is stored (each row the latest for its primary key, no
    /// retractions), the output columns of that key: a later row with the same key replaces
    /// the earlier one. nil for streams and for changelogs with explicit retractions.
    public var upsertKey: [Int]? {
        switch self {
        case .scan(let node):
            guard node.relation.kind == .table, !node.relation.primaryKey.isEmpty else { return nil }
            var key: [Int] = []
            for column in node.relation.primaryKey {
                guard let index = node.columns.firstIndex(of: column) else { return nil }
                key.append(index)
            }
            return key
        case .filter(let node):
            return node.input.upsertKey
        case .project(let node):
            guard let inner = node.input.upsertKey else { return nil }
            var key: [Int] = []
            for column in inner {
                guard let index = node.expressions.firstIndex(where: { $0.unwrappedColumn == column }) else { return nil }
                key.append(index)
            }
            return key
        default:
            return nil
        }
    }

    /// The output columns holding `window_start` and `window_end` of a windowed result.
    public var windowColumns: (start: Int, end: Int)? {
        switch self {
        case .windowAggregate(let node):
            return (node.keys.count, node.keys.count + 1)
        case .windowTable(let node):
            return (node.schema.count - 3, node.schema.count - 2)
        case .filter(let node):
            return node.input.windowColumns
        case .topN(let node):
            return node.windowEnd == nil ? nil : node.input.windowColumns
        case .project(let node):
            guard let inner = node.input.windowColumns,
                  let start = node.expressions.firstIndex(where: { $0.unwrappedColumn == inner.start }),
                  let end = node.expressions.firstIndex(where: { $0.unwrappedColumn == inner.end })
            else { return nil }
            return (start, end)
        default:
            return nil
        }
    }
}

extension BoundExpr {
    /// The column this expression reads, when it is a column reference (possibly cast).
    public var unwrappedColumn: Int? {
        switch self {
        case .column(let index, _): return index
        case .cast(let inner, _): return inner.unwrappedColumn
        default: return nil
        }
    }
}

extension StreamPlan {
    /// How many sources the plan reads.
    public var scanCount: Int {
        if case .scan = self { return 1 }
        return inputs.reduce(0) { $0 + $1.scanCount }
    }
}
