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
        case .topN(let node) where node.latestPerKey:
            // A ksqlDB table read from its topic: each key's latest record.
            return node.partitionKeys
        case .filter, .project:
            return passingThrough(\.upsertKey)
        default:
            return nil
        }
    }

    /// What an event-time temporal join can take as its versioned table: the key whose rows are
    /// the versions of one row, and the column holding each version's time. A keyed table with a
    /// watermark, or a deduplication by event time (Flink's versioned view, usually keeping each
    /// key's last row), followed through filters and projections.
    public var versionedTable: (key: [Int], time: Int)? {
        switch self {
        case .scan:
            guard let key = upsertKey, let time = eventTimeColumn else { return nil }
            return (key, time)
        case .topN(let node) where node.isDeduplication && node.input.appendOnly:
            return (node.partitionKeys, node.sortKeys[0].column)
        case .filter(let node):
            return node.input.versionedTable
        case .project(let node):
            guard let inner = node.input.versionedTable, let time = node.outputColumn(of: inner.time) else { return nil }
            var key: [Int] = []
            for column in inner.key {
                guard let index = node.outputColumn(of: column) else { return nil }
                key.append(index)
            }
            return (key, time)
        default:
            return nil
        }
    }

    /// The output columns that identify a row of this plan's changelog: an update or delete
    /// carries the same values there as the row it replaces. The group keys of an aggregate
    /// (with the window bounds of a windowed one), a keyed table's `upsertKey`, followed through
    /// filters and projections. nil when the plan does not say (a join, Top-N, a projection
    /// that drops a key column).
    public var changelogKey: [Int]? {
        switch self {
        case .groupAggregate(let node):
            return Array(0..<node.keys.count)
        case .windowAggregate(let node):
            return Array(0..<(node.keys.count + 2))
        case .scan:
            return upsertKey
        case .topN(let node) where node.latestPerKey:
            return upsertKey
        case .semiJoin(let node):
            // Left rows pass through whole, so their changelog's key does too.
            return node.left.changelogKey
        case .filter, .project:
            return passingThrough(\.changelogKey)
        default:
            return nil
        }
    }

    /// The columns `key` finds in the input of a filter or projection, as this node's output
    /// columns; nil when the input has none or a projection drops one of them.
    private func passingThrough(_ key: (StreamPlan) -> [Int]?) -> [Int]? {
        switch self {
        case .filter(let node):
            return key(node.input)
        case .project(let node):
            guard let inner = key(node.input) else { return nil }
            var mapped: [Int] = []
            for column in inner {
                guard let index = node.outputColumn(of: column) else { return nil }
                mapped.append(index)
            }
            return mapped
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
        case .union(let node):
            return node.windowColumns
        case .semiJoin(let node):
            return node.left.windowColumns
        case .project(let node):
            guard let inner = node.input.windowColumns,
                  let start = node.outputColumn(of: inner.start), let end = node.outputColumn(of: inner.end)
            else { return nil }
            return (start, end)
        default:
            return nil
        }
    }
}

extension StreamPlan {
    /// The output column holding `window_time`: of a window table function's rows, or selected
    /// from a window aggregation (where it stays the time attribute), followed through filters
    /// and projections.
    public var windowTimeColumn: Int? {
        switch self {
        case .windowTable(let node): return node.schema.count - 1
        case .filter(let node): return node.input.windowTimeColumn
        case .project(let node):
            if case .windowAggregate = node.input { return node.timeColumn }
            return node.input.windowTimeColumn.flatMap(node.outputColumn(of:))
        default: return nil
        }
    }
}

extension StreamPlan.Project {
    /// The first output column that passes input column `column` through (possibly cast).
    public func outputColumn(of column: Int) -> Int? {
        expressions.firstIndex { $0.unwrappedColumn == column }
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
