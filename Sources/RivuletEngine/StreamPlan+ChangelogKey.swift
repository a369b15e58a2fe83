public import RivuletPlanner

extension StreamPlan {
    /// The output columns that identify a row of this plan's changelog: an update or delete
    /// carries the same values there as the row it replaces. The group keys of an aggregate
    /// (with the window bounds of a windowed one), followed through filters and projections.
    /// nil when the plan does not say (a join, Top-N, a projection that drops a key column).
    public var changelogKey: [Int]? {
        switch self {
        case .groupAggregate(let node):
            return Array(0..<node.keys.count)
        case .windowAggregate(let node):
            return Array(0..<(node.keys.count + 2))
        case .filter(let node):
            return node.input.changelogKey
        case .project(let node):
            guard let inner = node.input.changelogKey else { return nil }
            var key: [Int] = []
            for column in inner {
                guard let index = node.expressions.firstIndex(where: { $0.unwrappedColumn == column }) else { return nil }
                key.append(index)
            }
            return key
        case .scan:
            return upsertKey
        default:
            return nil
        }
    }
}
