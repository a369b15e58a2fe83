public import RivuletCore

/// A GROUP BY element that groups by several sets of keys at once, each set's rows aggregated
/// on their own with the other keys NULL.
public enum GroupingSets: Hashable, Sendable {
    /// `GROUPING SETS ((a, b), a, ())`
    case sets([[Expr]])
    /// `ROLLUP (a, b)`: `(a, b), (a), ()`
    case rollup([Expr])
    /// `CUBE (a, b)`: every subset, `(a, b), (a), (b), ()`
    case cube([Expr])

    /// The sets of keys it stands for, in the order SQL lists them.
    public var expanded: [[Expr]] {
        switch self {
        case .sets(let sets):
            return sets
        case .rollup(let keys):
            return (0...keys.count).reversed().map { Array(keys.prefix($0)) }
        case .cube(let keys):
            // Subsets by descending bit pattern: all keys first, none last.
            return (0..<(1 << keys.count)).reversed().map { mask in
                keys.indices.filter { mask & (1 << (keys.count - 1 - $0)) != 0 }.map { keys[$0] }
            }
        }
    }
}
