import RivuletCore
import RivuletPlanner

extension Engine {
    /// A binder over the catalog with the query options set by `SET`:
    /// `table.exec.state.ttl` (0 keeps state forever), and `planningInterrupt`.
    func queryBinder() throws(SQLError) -> QueryBinder {
        var binder = QueryBinder(catalog: catalog)
        binder.stateTTLMillis = settings.stateTTLMillis
        binder.checkInterrupted = planningInterrupt
        return binder
    }
}
