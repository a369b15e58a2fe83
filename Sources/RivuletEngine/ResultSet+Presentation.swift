public import RivuletPlanner

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
        return set
    }
}
