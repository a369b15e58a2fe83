public import RivuletCore
public import RivuletPlanner

/// `CROSS JOIN UNNEST(...)` / `EXPLODE(...)`: each row once per element of its array (or entry
/// of its map), with the element's columns appended (see `StreamPlan.Unnest`). Stateless; rows
/// keep their kind and arrival watermark.
public final class Unnest: RowwiseOperator {
    private let plan: StreamPlan.Unnest
    private let argument: CompiledExpression
    private let alongside: [CompiledExpression]

    public init(_ plan: StreamPlan.Unnest) throws(SQLError) {
        guard StreamPlan.Unnest.elementFields(of: plan.argument.type) != nil else {
            throw SQLError(.datatypeMismatch, "UNNEST needs an ARRAY or a MAP, not \(plan.argument.type)")
        }
        self.plan = plan
        argument = try ExpressionCompiler.compile(plan.argument)
        alongside = try plan.alongside.map { expression throws(SQLError) in
            guard case .array = expression.type else {
                throw SQLError(.datatypeMismatch, "UNNEST needs an ARRAY, not \(expression.type)")
            }
            return try ExpressionCompiler.compile(expression)
        }
    }

    public func transform(_ batch: RowBatch) throws -> (rows: RowBatch, origins: [Int]?) {
        if !alongside.isEmpty { return try transformInLockstep(batch) }
        let lists = try argument.evaluate(batch)
        var rows: [Int] = []
        var elements: [Int] = []
        var ordinals: [Int64] = []
        // A NULL row inside an array whose rows are spread gives no row, as in Flink.
        let spreadRows: Column? = if case .array(.row) = plan.argument.type, plan.spreadsRows { lists.children[0] } else { nil }
        for row in 0..<batch.count where !lists.isNull(row) {
            for (position, element) in lists.listRange(row).enumerated() {
                if let spreadRows, spreadRows.isNull(element) { continue }
                rows.append(row)
                elements.append(element)
                ordinals.append(Int64(position + 1))
            }
        }
        var out = batch.gather(rows)
        switch plan.argument.type {
        case .array(.row) where plan.spreadsRows:
            // The row's fields become columns.
            for field in lists.children[0].children { out.columns.append(field.gather(elements)) }
        default:
            for child in lists.children { out.columns.append(child.gather(elements)) }
        }
        if plan.withOrdinality { out.columns.append(Column(ints: ordinals)) }
        return (out, rows)
    }

    /// Several arrays side by side: each row as many times as its longest array has elements,
    /// every array's element and ordinal NULL past its own end.
    private func transformInLockstep(_ batch: RowBatch) throws -> (rows: RowBatch, origins: [Int]?) {
        let lists = try ([argument] + alongside).map { try $0.evaluate(batch) }
        var rows: [Int] = []
        var positions: [Int64] = []
        // Per array, the element each output row reads; nil past the array's end.
        var elements = Array(repeating: [Int?](), count: lists.count)
        for row in 0..<batch.count {
            let ranges = lists.map { $0.isNull(row) ? 0..<0 : $0.listRange(row) }
            let length = ranges.map(\.count).max() ?? 0
            for position in 0..<length {
                rows.append(row)
                positions.append(Int64(position + 1))
                for (k, range) in ranges.enumerated() {
                    elements[k].append(position < range.count ? range.lowerBound + position : nil)
                }
            }
        }
        var out = batch.gather(rows)
        for (list, picks) in zip(lists, elements) {
            for child in list.children {
                var column = child.emptyCopy()
                for pick in picks {
                    if let pick { column.append(from: child, row: pick) } else { column.appendNull() }
                }
                out.columns.append(column)
            }
            if plan.withOrdinality {
                var ordinals = Column(kind: .int64, capacity: picks.count)
                for (pick, position) in zip(picks, positions) {
                    ordinals.appendValidity(pick != nil)
                    ordinals.ints.append(pick == nil ? 0 : position)
                }
                out.columns.append(ordinals)
            }
        }
        return (out, rows)
    }

    public var stateFormat: StateFormat { StateFormat(kind: "unnest", version: 1) }
}
