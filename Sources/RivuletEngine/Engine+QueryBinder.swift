import RivuletCore
import RivuletPlanner

extension Engine {
    /// A binder over the catalog with the query options set by `SET`:
    /// `table.exec.state.ttl` (e.g. `'1 h'`, `'30 min'`, `'10 s'`, `'500 ms'`, or milliseconds).
    func queryBinder() throws(SQLError) -> QueryBinder {
        var binder = QueryBinder(catalog: catalog)
        binder.stateTTLMillis = settings.stateTTLMillis
        return binder
    }
}
