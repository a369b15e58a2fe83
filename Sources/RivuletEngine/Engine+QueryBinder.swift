import RivuletCore
import RivuletPlanner

extension Engine {
    /// A binder over the catalog with the query options set by `SET`:
    /// `table.exec.state.ttl` (a `DurationText`: `'1 h'`, `'30 min'`, `'500 ms'`, or milliseconds;
    /// 0 keeps state forever).
    func queryBinder() throws(SQLError) -> QueryBinder {
        var binder = QueryBinder(catalog: catalog)
        if let text = settings["table.exec.state.ttl"] {
            let ms = try DurationText.milliseconds(text, for: "'table.exec.state.ttl'")
            binder.stateTTLMillis = ms > 0 ? ms : nil
        }
        return binder
    }
}
