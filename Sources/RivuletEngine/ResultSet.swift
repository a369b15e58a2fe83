public import RivuletCore
public import RivuletPlanner

/// Rows with their column names and types; `kinds` is set when the rows are a changelog.
public struct ResultSet: Sendable {
    public var schema: Schema
    public var rows: [[Value]]
    public var kinds: [RowKind]?

    public init(schema: Schema, rows: [[Value]], kinds: [RowKind]? = nil) {
        self.schema = schema
        self.rows = rows
        self.kinds = kinds
    }

    /// The changelog applied to a multiset: inserts and update-afters add a row,
    /// update-befores and deletes remove one. Order of the surviving rows is kept.
    public func materialized() -> ResultSet {
        guard let kinds else { return self }
        var live: [[Value]?] = []
        var positions: [[Value]: [Int]] = [:]
        for (row, kind) in zip(rows, kinds) {
            if kind.isAccumulate {
                positions[row, default: []].append(live.count)
                live.append(row)
            } else if var slots = positions[row], let last = slots.popLast() {
                live[last] = nil
                positions[row] = slots
            }
        }
        return ResultSet(schema: schema, rows: live.compactMap { $0 })
    }
}

extension ResultSet {
    /// A SELECT's finished output as its caller sees it: sorted by its ORDER BY (the changelog
    /// applied first) and cut at its LIMIT.
    public func presented(for query: BoundQuery) -> ResultSet {
        var set = self
        if !query.orderBy.isEmpty {
            set = set.materialized()
            set.rows.sort { a, b in ResultOrdering.precedes(a, b, by: query.orderBy) }
        }
        if let limit = query.limit, set.rows.count > limit {
            set.rows.removeLast(set.rows.count - limit)
            if set.kinds != nil { set.kinds!.removeLast(set.kinds!.count - limit) }
        }
        if query.hiddenColumns > 0 {
            set = ResultSet(
                schema: query.schema, rows: set.rows.map { Array($0.dropLast(query.hiddenColumns)) }, kinds: set.kinds)
        }
        return set
    }
}

/// ORDER BY over result values: NULLs placed as asked, then by value.
enum ResultOrdering {
    static func precedes(_ a: [Value], _ b: [Value], by keys: [BoundQuery.SortKey]) -> Bool {
        for key in keys {
            let x = a[key.column], y = b[key.column]
            if x == y { continue }
            if x.isNull { return key.nullsFirst }
            if y.isNull { return !key.nullsFirst }
            let less = compare(x, y)
            return key.ascending ? less : !less
        }
        return false
    }

    private static func compare(_ x: Value, _ y: Value) -> Bool {
        switch (x, y) {
        case (.int(let a), .int(let b)), (.timestamp(let a), .timestamp(let b)), (.date(let a), .date(let b)): return a < b
        case (.double(let a), .double(let b)): return a < b
        case (.decimal(let a, _), .decimal(let b, _)): return a < b
        case (.string(let a), .string(let b)): return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
        case (.boolean(let a), .boolean(let b)): return !a && b
        default: return x.description < y.description
        }
    }
}
