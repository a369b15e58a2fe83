public import RivuletCore
import RivuletPlanner
public import RivuletSQL

extension Engine {
    /// A binder over the catalog with the query options set by `SET`:
    /// `table.exec.state.ttl` (0 keeps state forever), and `planningInterrupt`.
    func queryBinder() throws(SQLError) -> QueryBinder {
        var binder = QueryBinder(catalog: catalog)
        binder.stateTTLMillis = settings.stateTTLMillis
        binder.collectLimits = (list: settings.collectListLimit, set: settings.collectSetLimit)
        binder.checkInterrupted = planningInterrupt
        binder.context = bindingContext
        return binder
    }
}

extension Engine {
    /// Learns the types of `parsed`'s `$n` parameters into `bindingContext`, without running
    /// anything: the target columns of `INSERT ... VALUES`, or the places they stand in the
    /// query of a SELECT, `INSERT ... SELECT` or `CREATE ... AS SELECT`.
    public func inferParameterTypes(_ parsed: ParsedStatement) throws(SQLError) {
        guard let context = bindingContext else { return }
        switch parsed.statement {
        case .insertValues(let insert):
            guard let target = catalog.relation(named: insert.target.name.value) else { return }
            let schema = target.schema
            let columns = insert.columns.isEmpty ? schema.fields.map(\.name) : insert.columns.map(\.value)
            for row in insert.rows {
                for (expr, name) in zip(row, columns) {
                    guard let index = schema.firstIndex(of: name) else { continue }
                    _ = try ConstantExpression.bind(expr, as: schema[index].type, column: name, context: context)
                }
            }
        case .query(let query):
            _ = try queryBinder().bind(query)
        case .insertSelect(let insert):
            _ = try queryBinder().bind(insert.query)
        case .createRelationAsSelect(let create):
            _ = try queryBinder().bind(create.query)
        default:
            break
        }
    }
}
