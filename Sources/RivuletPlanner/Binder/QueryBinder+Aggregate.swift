public import RivuletCore
import RivuletSQL

extension QueryBinder {
    /// Every distinct aggregate call in the select list and HAVING, in order of appearance.
    func collectAggregates(_ select: Select) -> [FunctionCall] {
        var found: [FunctionCall] = []
        func visit(_ expr: Expr) {
            if case .function(let call) = expr, FunctionBinder.isAggregate(call) {
                if !found.contains(call) { found.append(call) }
                return
            }
            for child in expr.children { visit(child) }
        }
        for item in select.items {
            if case .expression(let selected) = item { visit(selected.expr) }
        }
        if let having = select.having { visit(having) }
        return found
    }

    /// GROUP BY (with or without a window): pre-projection → aggregate → HAVING → projection.
    func bindAggregate(_ select: Select, input: Input, aggregates: [FunctionCall], emit: EmitMode?) throws(SQLError) -> (StreamPlan, [Expr?]) {
        let virtualBase = input.plan.schema.count
        var window = input.window
        var keyExprs: [Expr] = []
        var windowInGroupBy = false
        for expr in select.groupBy {
            if case .function(let call) = expr, ["TUMBLE", "HOP", "SESSION", "CUMULATE"].contains(call.upperName) {
                guard window == nil, select.window == nil else {
                    throw SQLError(.groupingError, "a query can group by only one window", at: call.span)
                }
                window = try groupWindow(call, input: input)
                windowInGroupBy = true
                continue
            }
            if case .column(let reference) = expr, input.window != nil,
               let index = try? input.scope.resolve(reference), index >= virtualBase {
                windowInGroupBy = true
                continue
            }
            keyExprs.append(expr)
        }
        if let ksql = select.window {
            guard window == nil else { throw SQLError(.groupingError, "a query can group by only one window", at: ksql.span) }
            window = try ksqlWindow(ksql, input: input)
            windowInGroupBy = true
        }
        if input.window != nil, !windowInGroupBy {
            // Grouping a window table function without its window columns aggregates across windows.
            window = nil
        }

        // Pre-projection: keys, aggregate arguments and filters, and the event time.
        let scalar = scalarBinder(for: input.scope, clause: "GROUP BY")
        var pre: [BoundExpr] = []
        func slot(_ expr: BoundExpr) -> Int {
            if let index = pre.firstIndex(of: expr) { return index }
            pre.append(expr)
            return pre.count - 1
        }
        func requirePhysical(_ expr: BoundExpr, at span: SourceSpan) throws(SQLError) {
            if expr.referencedColumns.contains(where: { $0 >= virtualBase }) {
                throw SQLError.unsupported("window_start, window_end and window_time can only be grouped by or selected", at: span)
            }
        }
        var boundKeys: [BoundExpr] = []
        var keySlots: [Int] = []
        var keyFields: [Field] = []
        for expr in keyExprs {
            let bound = try scalar.bind(expr)
            try requirePhysical(bound, at: expr.span)
            if boundKeys.contains(bound) { continue }
            boundKeys.append(bound)
            keySlots.append(slot(bound))
            let name: String
            if case .column(let reference) = expr { name = reference.name.value } else { name = "$key\(keyFields.count)" }
            keyFields.append(Field(name, bound.type == .null ? .varchar : bound.type))
        }
        let argumentBinder = scalarBinder(for: input.scope, clause: "an aggregate's argument")
        var calls: [AggregateCall] = []
        for call in aggregates {
            calls.append(try bindAggregateCall(call, binder: argumentBinder, virtualBase: virtualBase, slot: slot))
        }
        var timeSlot: Int?
        if let window { timeSlot = slot(.column(window.timeColumn, input.scope.columns[window.timeColumn].type)) }
        let preFields = pre.enumerated().map { Field("$\($0.offset)", $0.element.type == .null ? .varchar : $0.element.type) }
        let preTime = timeSlot
        let preProject = StreamPlan.project(.init(input: input.plan, expressions: pre, schema: Schema(preFields), timeColumn: preTime))
        let aggregateFields = calls.enumerated().map { Field("$agg\($0.offset)", $0.element.type) }

        var plan: StreamPlan
        let keyCount = keyFields.count
        var windowColumns: (start: Int, end: Int)?
        if let window, let timeSlot {
            if !input.plan.appendOnly {
                throw SQLError.unsupported("windows over a changelog (updating) input are not supported", at: window.span)
            }
            let spec = WindowSpec(kind: window.kind, timeColumn: timeSlot, grace: window.grace, dialect: window.dialect)
            let emitMode: StreamPlan.WindowAggregate.Emit
            switch window.dialect {
            case .ksql: emitMode = emit == .final ? .final : .changes
            case .flink: emitMode = emit == .changes ? .changes : .final
            }
            let schema = Schema(keyFields + [Field("window_start", .timestamp3, nullable: false), Field("window_end", .timestamp3, nullable: false)]
                                + aggregateFields)
            plan = .windowAggregate(.init(input: preProject, window: spec, keys: keySlots, aggregates: calls, emit: emitMode, schema: schema))
            windowColumns = (keyCount, keyCount + 1)
        } else {
            plan = .groupAggregate(.init(input: preProject, keys: keySlots, aggregates: calls, schema: Schema(keyFields + aggregateFields)))
        }
        let aggregateBase = keyCount + (windowColumns == nil ? 0 : 2)
        let output = plan.schema

        // Binding above the aggregate: only keys, window columns and aggregates are visible.
        func windowColumn(_ which: String, at span: SourceSpan) throws(SQLError) -> BoundExpr {
            guard let windowColumns else {
                throw SQLError(.groupingError, "\(which) needs a windowed GROUP BY", at: span)
            }
            switch which {
            case "start": return .column(windowColumns.start, .timestamp3)
            case "end": return .column(windowColumns.end, .timestamp3)
            default:
                return .call(.timestampAddInterval, [.column(windowColumns.end, .timestamp3), .literal(.interval(milliseconds: -1), .intervalDayTime)], .timestamp3)
            }
        }
        let substitute = { (expr: Expr) throws(SQLError) -> BoundExpr? in
            if case .function(let call) = expr {
                if let index = aggregates.firstIndex(of: call) {
                    return .column(aggregateBase + index, output[aggregateBase + index].type)
                }
                let name = call.upperName
                if name.hasSuffix("_START"), FunctionBinder.groupWindowNames.contains(name) { return try windowColumn("start", at: call.span) }
                if name.hasSuffix("_END"), FunctionBinder.groupWindowNames.contains(name) { return try windowColumn("end", at: call.span) }
                if name.hasSuffix("_ROWTIME"), FunctionBinder.groupWindowNames.contains(name) { return try windowColumn("time", at: call.span) }
            }
            if let index = keyExprs.firstIndex(of: expr), let boundIndex = boundKeys.firstIndex(of: try scalar.bind(keyExprs[index])) {
                return .column(boundIndex, keyFields[boundIndex].type)
            }
            if case .column(let reference) = expr {
                let name = reference.name.value.lowercased()
                if reference.qualifier.isEmpty, windowColumns != nil, name == "windowstart" || name == "windowend",
                   input.scope.columns.firstIndex(where: { $0.name.lowercased() == name }) == nil {
                    // ksqlDB exposes window bounds as BIGINT epoch milliseconds.
                    return .cast(try windowColumn(name == "windowstart" ? "start" : "end", at: reference.span), to: .bigint)
                }
                let index = try input.scope.resolve(reference)
                if index >= virtualBase {
                    return try windowColumn(["start", "end", "time"][index - virtualBase], at: reference.span)
                }
                if let key = boundKeys.firstIndex(of: .column(index, input.scope.columns[index].type)) {
                    return .column(key, keyFields[key].type)
                }
                throw SQLError(.groupingError,
                               "column '\(reference.parts.map(\.value).joined(separator: "."))' must appear in the GROUP BY clause or be used in an aggregate function",
                               at: reference.span)
            }
            return nil
        }
        let post = ExpressionBinder(
            resolveColumn: { (reference: ColumnReference) throws(SQLError) -> BoundExpr in
                throw SQLError.internal("unresolved column \(reference.name.value) above an aggregate")
            },
            substitute: substitute, clause: "SELECT")

        if let having = select.having {
            let predicate = try post.bind(having)
            guard predicate.type == .boolean || predicate.type == .null else {
                throw SQLError(.datatypeMismatch, "HAVING needs a BOOLEAN condition, found \(predicate.type)", at: having.span)
            }
            plan = .filter(.init(input: plan, predicate: predicate))
        }
        var expressions: [BoundExpr] = []
        var fields: [Field] = []
        var items: [Expr?] = []
        for item in select.items {
            guard case .expression(let selected) = item else {
                throw SQLError(.groupingError, "SELECT * cannot be used with GROUP BY; list the grouped columns and aggregates", at: item.span)
            }
            let bound = try post.bind(selected.expr)
            expressions.append(bound)
            fields.append(Field(outputName(of: selected, position: fields.count), bound.type == .null ? .varchar : bound.type))
            items.append(selected.expr)
        }
        plan = .project(.init(input: plan, expressions: expressions, schema: Schema(fields)))
        return (plan, items)
    }

    private func bindAggregateCall(
        _ call: FunctionCall, binder: ExpressionBinder, virtualBase: Int, slot: (BoundExpr) -> Int
    ) throws(SQLError) -> AggregateCall {
        let name = call.upperName
        var filter: BoundExpr?
        if let filterExpr = call.filter {
            let predicate = try binder.bind(filterExpr)
            guard predicate.type == .boolean || predicate.type == .null else {
                throw SQLError(.datatypeMismatch, "FILTER needs a BOOLEAN condition, found \(predicate.type)", at: filterExpr.span)
            }
            filter = .column(slot(predicate), .boolean)
        }
        if name == "COUNT", call.isStar || call.arguments.isEmpty {
            return AggregateCall(kind: .countStar, argument: nil, filter: filter, type: .bigint)
        }
        let expectedArguments = name.contains("PERCENTILE") || name == "APPROX_QUANTILE" ? 2 : 1
        guard call.arguments.count == expectedArguments else {
            throw SQLError(.undefinedFunction, "\(name) takes \(expectedArguments) argument\(expectedArguments == 1 ? "" : "s")", at: call.span)
        }
        var argument = try binder.bind(call.arguments[0])
        if argument.referencedColumns.contains(where: { $0 >= virtualBase }) {
            throw SQLError.unsupported("aggregates over window columns are not supported", at: call.arguments[0].span)
        }
        if argument.type == .null { argument = .literal(.null, .bigint) }
        let type = argument.type
        func column(_ expr: BoundExpr) -> BoundExpr { .column(slot(expr), expr.type) }
        func requireNumeric() throws(SQLError) {
            guard type.isNumeric else {
                throw SQLError(.datatypeMismatch, "\(name) needs a numeric argument, found \(type)", at: call.arguments[0].span)
            }
        }
        switch name {
        case "COUNT":
            return AggregateCall(kind: .count, argument: column(argument), distinct: call.distinct, filter: filter, type: .bigint)
        case "SUM":
            try requireNumeric()
            var result = type
            if case .decimal(_, let s) = type { result = .decimal(precision: 18, scale: s) }
            return AggregateCall(kind: .sum, argument: column(argument), distinct: call.distinct, filter: filter, type: result)
        case "AVG":
            try requireNumeric()
            var result = type
            if case .decimal(_, let s) = type { result = .decimal(precision: 18, scale: max(6, s)) }
            return AggregateCall(kind: .avg, argument: column(argument), distinct: call.distinct, filter: filter, type: result)
        case "MIN", "MAX":
            return AggregateCall(kind: name == "MIN" ? .min : .max, argument: column(argument), distinct: false, filter: filter, type: type)
        default:
            try requireNumeric()
            let quantile = try binder.bind(call.arguments[1])
            let q: Double
            switch quantile.unwrappedCast {
            case .literal(.decimal(let unscaled, let scale), _): q = Double(unscaled) / pow10(scale)
            case .literal(.double(let d), _): q = d
            case .literal(.int(let i), _): q = Double(i)
            default: q = -1
            }
            guard q >= 0, q <= 1 else {
                throw SQLError(.invalidParameterValue, "\(name) needs a constant quantile between 0 and 1", at: call.arguments[1].span)
            }
            let value = try binder.cast(argument, to: .double)
            return AggregateCall(kind: .approxQuantile(q), argument: column(value), filter: filter, type: .double)
        }
    }
}

private func pow10(_ n: Int) -> Double {
    var result = 1.0
    for _ in 0..<n { result *= 10 }
    return result
}

extension Expr {
    /// The direct sub-expressions (not descending into subqueries).
    var children: [Expr] {
        switch self {
        case .column, .literal, .parameter, .currentDateTime, .scalarSubquery, .exists: return []
        case .unary(let e): return [e.operand]
        case .binary(let e): return [e.left, e.right]
        case .isNull(let e): return [e.expr]
        case .like(let e): return [e.expr, e.pattern] + (e.escape.map { [$0] } ?? [])
        case .inList(let e): return [e.expr] + e.list
        case .inSubquery(let e): return [e.expr]
        case .between(let e): return [e.expr, e.low, e.high]
        case .function(let e): return e.arguments + (e.filter.map { [$0] } ?? [])
        case .caseWhen(let e):
            return (e.operand.map { [$0] } ?? []) + e.branches.flatMap { [$0.condition, $0.result] } + (e.elseResult.map { [$0] } ?? [])
        case .cast(let e): return [e.expr]
        case .extract(let e): return [e.expr]
        case .substring(let e): return [e.expr, e.start] + (e.length.map { [$0] } ?? [])
        case .trim(let e): return [e.expr] + (e.characters.map { [$0] } ?? [])
        }
    }
}
