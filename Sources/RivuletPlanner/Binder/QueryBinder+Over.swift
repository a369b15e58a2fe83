public import RivuletCore
import RivuletSQL

extension QueryBinder {
    /// A select list with `agg(...) OVER (...)` (Flink's OVER aggregation): the input, with its
    /// aggregates' arguments computed in a projection, into one `OverAggregate`, then the select
    /// list over its output, each OVER call read from its column. nil when the list has none.
    ///
    /// As in Flink, every OVER aggregate of a SELECT uses one window (written inline or named in
    /// `WINDOW w AS (...)`), ordered by the event-time column ascending, its frame ending at the
    /// current row; without a frame it is `RANGE UNBOUNDED PRECEDING`.
    func bindOverAggregate(_ select: Select, input: Input) throws(SQLError) -> (StreamPlan, [Expr?])? {
        let calls = Self.overCalls(select)
        guard let first = calls.first else { return nil }
        if !select.groupBy.isEmpty || select.having != nil || !collectAggregates(select).isEmpty {
            throw SQLError.unsupported("OVER aggregates cannot be mixed with GROUP BY or other aggregates", at: first.span)
        }
        var window: WindowSpecification?
        for call in calls {
            let spec = try resolveWindow(call.over!, in: select)
            if let window, !Self.sameWindow(window, spec) {
                throw SQLError.unsupported("all OVER aggregates of a SELECT must use the same window", at: call.span)
            }
            window = window ?? spec
        }
        guard let window else { return nil }
        guard input.plan.appendOnly else {
            throw SQLError.unsupported("OVER aggregations over a changelog (updating) input are not supported", at: window.span)
        }
        let timeColumn = try orderColumn(of: window, input: input)
        let frame = try overFrame(window)
        let width = input.plan.schema.count
        var pre = PreProjection(virtualBase: width)
        for (index, field) in input.plan.schema.fields.enumerated() { _ = pre.slot(.column(index, field.type)) }
        let scalar = scalarBinder(for: input.scope, clause: "PARTITION BY")
        var keys: [Int] = []
        for expr in window.partitionBy {
            let bound = try scalar.bind(expr)
            if bound.referencedColumns.contains(where: { $0 >= width }) {
                throw SQLError.unsupported("OVER aggregations cannot partition by window columns", at: expr.span)
            }
            keys.append(pre.slot(bound))
        }
        let argumentBinder = scalarBinder(for: input.scope, clause: "an aggregate's argument")
        var aggregates: [AggregateCall] = []
        for call in calls {
            var plain = call
            plain.over = nil
            guard FunctionBinder.isAggregate(plain) else {
                throw SQLError.unsupported("\(call.upperName)() OVER (...) is only supported as a Top-N filter", at: call.span)
            }
            var aggregate = try bindAggregateCall(plain, binder: argumentBinder, into: &pre)
            if case .statistic(let statistic, _) = aggregate.kind { aggregate.kind = .statistic(statistic, bySums: true) }
            aggregates.append(aggregate)
        }
        let preProject = StreamPlan.project(.init(input: input.plan, expressions: pre.expressions, schema: pre.schema, timeColumn: timeColumn))
        let plan = StreamPlan.overAggregate(.init(
            input: preProject, partitionKeys: keys, timeColumn: timeColumn, frame: frame, aggregates: aggregates))
        var above = input
        above.plan = plan
        above.window = nil
        return try bindProjection(select, input: above) { (expr: Expr) throws(SQLError) -> BoundExpr? in
            guard case .function(let call) = expr, call.over != nil, let index = calls.firstIndex(of: call) else { return nil }
            return Self.finished(call, .column(pre.expressions.count + index, aggregates[index].type))
        }
    }

    /// Every distinct aggregate call with OVER in the select list, in order of appearance.
    static func overCalls(_ select: Select) -> [FunctionCall] {
        var found: [FunctionCall] = []
        func visit(_ expr: Expr) {
            if case .function(let call) = expr, call.over != nil, call.upperName != "ROW_NUMBER" {
                if !found.contains(call) { found.append(call) }
                return
            }
            for child in expr.children { visit(child) }
        }
        for case .expression(let selected) in select.items { visit(selected.expr) }
        return found
    }

    /// `OVER w` looked up in the query's `WINDOW` clause; an inline window as it is.
    private func resolveWindow(_ spec: WindowSpecification, in select: Select) throws(SQLError) -> WindowSpecification {
        guard let name = spec.name else { return spec }
        guard let named = select.namedWindows.first(where: { $0.name.value.lowercased() == name.value.lowercased() }) else {
            throw SQLError(.undefinedObject, "unknown window '\(name.value)'", at: name.span,
                           hint: select.namedWindows.isEmpty ? "declare it with WINDOW \(name.value) AS (...)" : nil)
        }
        return named.specification
    }

    /// Windows written alike (an unwritten frame is the default one).
    private static func sameWindow(_ a: WindowSpecification, _ b: WindowSpecification) -> Bool {
        a.partitionBy == b.partitionBy && a.orderBy == b.orderBy
            && (a.frame ?? defaultFrame) == (b.frame ?? defaultFrame)
    }

    private static let defaultFrame = WindowFrame(units: .range, start: .unboundedPreceding, end: .currentRow)

    /// The window's ORDER BY: the input's event-time column, ascending.
    private func orderColumn(of window: WindowSpecification, input: Input) throws(SQLError) -> Int {
        guard window.orderBy.count == 1, let item = window.orderBy.first else {
            throw SQLError.unsupported("an OVER window must be ordered by one event-time column", at: window.span)
        }
        let bound = try scalarBinder(for: input.scope, clause: "ORDER BY").bind(item.expr)
        guard let column = bound.unwrappedColumn, column == input.plan.eventTimeColumn, item.ascending ?? true else {
            throw SQLError.unsupported("an OVER window must be ordered by the event-time column (with a watermark), ascending",
                                       at: item.span)
        }
        return column
    }

    /// `ROWS|RANGE [BETWEEN] ... PRECEDING [AND CURRENT ROW]`.
    private func overFrame(_ window: WindowSpecification) throws(SQLError) -> StreamPlan.OverAggregate.Frame {
        let frame = window.frame ?? Self.defaultFrame
        if let end = frame.end, end != .currentRow {
            throw SQLError.unsupported("an OVER window's frame must end at CURRENT ROW", at: window.span)
        }
        switch (frame.units, frame.start) {
        case (.rows, .unboundedPreceding): return .rows(preceding: nil)
        case (.range, .unboundedPreceding): return .range(precedingMillis: nil)
        case (.rows, .currentRow): return .rows(preceding: 0)
        case (.range, .currentRow): return .range(precedingMillis: 0)
        case (.rows, .preceding(let offset)):
            guard case .literal(let literal) = offset, case .number(let text) = literal.value, let n = Int(text), n >= 0 else {
                throw SQLError(.invalidParameterValue, "ROWS takes a non-negative count of preceding rows", at: offset.span)
            }
            return .rows(preceding: n)
        case (.range, .preceding(let offset)):
            return .range(precedingMillis: try intervalMillis(offset, what: "RANGE offset", allowZero: true))
        default:
            throw SQLError.unsupported("an OVER window's frame must start before or at the current row", at: window.span)
        }
    }
}
