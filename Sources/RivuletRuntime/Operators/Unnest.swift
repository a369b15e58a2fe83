public import RivuletCore
public import RivuletPlanner

/// `CROSS JOIN UNNEST(...)` / `EXPLODE(...)`: each row once per element of its array (or entry
/// of its map), with the element's columns appended (see `StreamPlan.Unnest`). Stateless; rows
/// keep their kind and arrival watermark.
public final class Unnest: StreamOperator {
    private let plan: StreamPlan.Unnest
    private let argument: CompiledExpression

    public init(_ plan: StreamPlan.Unnest) throws(SQLError) {
        guard StreamPlan.Unnest.elementFields(of: plan.argument.type) != nil else {
            throw SQLError(.datatypeMismatch, "UNNEST needs an ARRAY or a MAP, not \(plan.argument.type)")
        }
        self.plan = plan
        argument = try ExpressionCompiler.compile(plan.argument)
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let lists = try argument.evaluate(batch)
        var rows: [Int] = []
        var elements: [Int] = []
        var ordinals: [Int64] = []
        for row in 0..<batch.count where !lists.isNull(row) {
            for (position, element) in lists.listRange(row).enumerated() {
                rows.append(row)
                elements.append(element)
                ordinals.append(Int64(position + 1))
            }
        }
        var out = batch.gather(rows)
        switch plan.argument.type {
        case .array(.row) where plan.spreadsRows:
            // The row's fields become columns; a NULL row gives NULL fields.
            let structs = lists.children[0]
            let nullRows = structs.validity.map { v in elements.indices.filter { !v.isValid(elements[$0]) } } ?? []
            for field in structs.children {
                var column = field.gather(elements)
                if !nullRows.isEmpty {
                    if column.validity == nil { column.validity = Validity(allValid: column.count) }
                    for i in nullRows { column.validity!.set(i, valid: false) }
                }
                out.columns.append(column)
            }
        default:
            for child in lists.children { out.columns.append(child.gather(elements)) }
        }
        if plan.withOrdinality { out.columns.append(Column(ints: ordinals)) }
        output.emit(out)
    }

    public var stateFormat: StateFormat { StateFormat(kind: "unnest", version: 1) }
}
