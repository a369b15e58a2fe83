import RivuletCore
import RivuletPlanner

/// The order of a Top-N's ORDER BY over row values; ties keep arrival order (earlier first).
struct RankOrder {
    let keys: [StreamPlan.TopN.SortKey]

    /// Whether row `a` (arrived as `sa`) ranks before row `b` (arrived as `sb`).
    func precedes(_ a: [Value], _ sa: Int, _ b: [Value], _ sb: Int) -> Bool {
        for key in keys {
            let order = ValueOrder.compare(a[key.column], b[key.column])
            if order != 0 { return key.ascending ? order < 0 : order > 0 }
        }
        return sa < sb
    }
}
