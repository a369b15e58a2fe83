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
    func bindAggregate(_ original: Select, input: Input, aggregates: [FunctionCall], emit: EmitMode?) throws(SQLError) -> (StreamPlan, [Expr?]) {
        // Every key of the grouping sets is a key; each set NULLs the others (see `expandSets`).
        var select = original
        let sets = Self.groupingSets(of: original)
        for set in sets ?? [] { for expr in set where !select.groupBy.contains(expr) { select.groupBy.append(expr) } }
        // As in Flink, only grouping by both window bounds is a window aggregation: grouping a
        // window table function by fewer of its window columns aggregates its rows (one per
        // window) as any other rows, an updating result.
        let input = groupsPartOfWindow(select, input: input) ? windowRows(of: input) : input
        let grouping = try grouping(of: select, input: input)
        var pre = PreProjection(virtualBase: input.plan.schema.count)
        let scalar = scalarBinder(for: input.scope, clause: "GROUP BY")
        var keys = try bindGroupKeys(grouping.keys, binder: scalar, into: &pre)
        let argumentBinder = scalarBinder(for: input.scope, clause: "an aggregate's argument")
        var calls: [AggregateCall] = []
        for call in aggregates {
            calls.append(try bindAggregateCall(call, binder: argumentBinder, into: &pre))
        }
        var timeSlot: Int?
        var window = grouping.window
        if let source = window {
            timeSlot = pre.slot(.column(source.timeColumn, input.scope.columns[source.timeColumn].type))
            if case .attached(let end) = source.kind {
                window?.kind = .attached(endColumn: pre.slot(.column(end, input.scope.columns[end].type)))
            }
        }
        var preProject = StreamPlan.project(.init(input: input.plan, expressions: pre.expressions, schema: pre.schema, timeColumn: timeSlot))
        if let sets {
            preProject = try expandSets(
                sets, plain: original.groupBy, grouping: grouping, keys: &keys, calls: &calls, over: preProject, binder: scalar)
        }
        var plan = try aggregatePlan(over: preProject, input: input, window: window, keys: keys, calls: calls, emit: emit)
        var output = AggregateOutput(
            aggregates: aggregates, keyExprs: grouping.keys, keys: keys, keyBinder: scalar, windowColumns: plan.windowColumns, schema: plan.schema,
            scope: input.scope, virtualBase: pre.virtualBase)
        if let source = grouping.window, case .attached(let end) = source.kind { output.attachedWindow = (source.timeColumn, end) }
        var post = output.binder()
        post.context = context
        if let having = select.having {
            let predicate = try post.bind(having)
            guard predicate.type == .boolean || predicate.type == .null else {
                throw SQLError(.datatypeMismatch, "HAVING needs a BOOLEAN condition, found \(predicate.type)", at: having.span)
            }
            plan = .filter(.init(input: plan, predicate: predicate))
        }
        // Flink's window aggregate keeps window_time a time attribute: it emits a window's rows
        // when the watermark passes window_end − 1 ms, before forwarding that watermark, so they
        // are never late downstream. ksqlDB's grace and changes would make them late.
        let windowTime = plan.appendOnly && window?.dialect == .flink && grouping.groupsWindowBounds ? output.windowTime : nil
        return try bindAggregateSelectList(select, over: plan, binder: post, windowTime: windowTime)
    }

    /// The sets of keys of a GROUP BY with `GROUPING SETS`, `ROLLUP` or `CUBE` (the cross product
    /// of its elements, each with the plain keys); nil without them.
    static func groupingSets(of select: Select) -> [[Expr]]? {
        guard !select.groupingSets.isEmpty else { return nil }
        var sets: [[Expr]] = [[]]
        for element in select.groupingSets {
            sets = sets.flatMap { prefix in element.expanded.map { prefix + $0.filter { !prefix.contains($0) } } }
        }
        return sets
    }

    /// The rows below the aggregate once per grouping set, the keys outside the set NULL, with the
    /// set's number as one more key, so each set's groups aggregate apart (Flink's Expand).
    /// A key an aggregate also reads (`COUNT(a) ... ROLLUP (a)`) is copied first, so the aggregate
    /// sees its values in every set.
    private func expandSets(
        _ sets: [[Expr]], plain: [Expr], grouping: Grouping, keys: inout GroupKeys, calls: inout [AggregateCall],
        over preProject: StreamPlan, binder: ExpressionBinder
    ) throws(SQLError) -> StreamPlan {
        var schema = preProject.schema
        let read = Set(calls.flatMap { [$0.argument?.unwrappedColumn, $0.filter?.unwrappedColumn].compactMap { $0 } })
        var copies: [Int: Int] = [:]
        for slot in keys.slots where read.contains(slot) {
            copies[slot] = schema.count
            schema = Schema(schema.fields + [schema[slot]])
        }
        for i in calls.indices {
            calls[i].argument = calls[i].argument.map { $0.remapColumns { copies[$0] ?? $0 } }
            calls[i].filter = calls[i].filter.map { $0.remapColumns { copies[$0] ?? $0 } }
        }
        var projections: [[BoundExpr]] = []
        for set in sets {
            var kept = Set<Int>()
            for expr in grouping.keys where plain.contains(expr) || set.contains(expr) {
                if let key = keys.bound.firstIndex(of: try binder.bind(expr)) { kept.insert(keys.slots[key]) }
            }
            var projection = schema.fields.enumerated().map { index, field -> BoundExpr in
                if keys.slots.contains(index), !kept.contains(index) { return .literal(.null, field.type) }
                return .column(copies.first { $0.value == index }?.key ?? index, field.type)
            }
            projection.append(.literal(.int(Int64(projections.count)), .bigint))
            projections.append(projection)
        }
        let setColumn = schema.count
        // The set number is a key no expression of the select list names.
        keys.bound.append(.column(-1, .bigint))
        keys.slots.append(setColumn)
        keys.fields.append(Field("$grouping_set", .bigint, nullable: false))
        return .expand(.init(
            input: preProject, projections: projections, schema: Schema(schema.fields + [Field("$grouping_set", .bigint, nullable: false)]),
            timeColumn: preProject.eventTimeColumn))
    }

    /// What a grouped query groups by: its plain keys and, at most once, a window (a group
    /// window function, a window table function's columns, or ksqlDB's WINDOW clause).
    private struct Grouping {
        var keys: [Expr]
        var window: WindowSource?
        /// Whether GROUP BY names both bounds of a window table function's window (or groups by
        /// a window some other way): only then is it Flink's window aggregation, whose
        /// window_time stays a time attribute.
        var groupsWindowBounds = true
    }

    /// Whether GROUP BY names some of a window table function's window columns but not both
    /// of its bounds.
    private func groupsPartOfWindow(_ select: Select, input: Input) -> Bool {
        guard input.window != nil else { return false }
        let virtualBase = input.plan.schema.count
        var grouped = Set<Int>()
        for case .column(let reference) in select.groupBy {
            if let index = try? input.scope.resolve(reference), index >= virtualBase { grouped.insert(index - virtualBase) }
        }
        return !grouped.isEmpty && !grouped.isSuperset(of: [0, 1])
    }

    /// A window table function's rows, once per window, with its window columns as plain columns.
    private func windowRows(of input: Input) -> Input {
        guard let window = input.window else { return input }
        var input = input
        input.plan = .windowTable(.init(
            input: input.plan, window: window.spec(), partitionKeys: window.partitionKeys))
        input.window = nil
        return input
    }

    private func grouping(of select: Select, input: Input) throws(SQLError) -> Grouping {
        let virtualBase = input.plan.schema.count
        var grouping = Grouping(keys: [], window: input.window)
        var windowInGroupBy = false
        var groupedWindowColumns = Set<Int>()
        for expr in select.groupBy {
            if case .function(let call) = expr, ["TUMBLE", "HOP", "SESSION", "CUMULATE"].contains(call.upperName) {
                guard grouping.window == nil, select.window == nil else {
                    throw SQLError(.groupingError, "a query can group by only one window", at: call.span)
                }
                grouping.window = try groupWindow(call, input: input)
                windowInGroupBy = true
                continue
            }
            if case .column(let reference) = expr, input.window != nil,
               let index = try? input.scope.resolve(reference), index >= virtualBase {
                windowInGroupBy = true
                groupedWindowColumns.insert(index - virtualBase)
                continue
            }
            grouping.keys.append(expr)
        }
        if let ksql = select.window {
            guard grouping.window == nil else { throw SQLError(.groupingError, "a query can group by only one window", at: ksql.span) }
            grouping.window = try ksqlWindow(ksql, input: input)
            windowInGroupBy = true
        }
        if !groupedWindowColumns.isEmpty { grouping.groupsWindowBounds = groupedWindowColumns.isSuperset(of: [0, 1]) }
        if input.window != nil, !windowInGroupBy {
            // Grouping a window table function without its window columns aggregates across windows.
            grouping.window = nil
        }
        if grouping.window == nil { try attachWindow(of: input, to: &grouping) }
        return grouping
    }

    /// Grouping a windowed result (append-only, its window bounds passed through projections,
    /// aliases and subqueries) by both its window bounds aggregates per window again, as Flink's
    /// cascading window aggregation does: the bounds become the window, the other keys stay keys.
    private func attachWindow(of input: Input, to grouping: inout Grouping) throws(SQLError) {
        guard let bounds = input.plan.windowColumns, input.plan.appendOnly else { return }
        var start: Int?, end: Int?
        for (position, expr) in grouping.keys.enumerated() {
            guard case .column(let reference) = expr, let index = try? input.scope.resolve(reference) else { continue }
            if index == bounds.start, start == nil { start = position }
            if index == bounds.end, end == nil { end = position }
        }
        guard let start, let end else { return }
        let span = grouping.keys[start].span.union(grouping.keys[end].span)
        grouping.keys = grouping.keys.enumerated().filter { $0.offset != start && $0.offset != end }.map(\.element)
        grouping.window = WindowSource(kind: .attached(endColumn: bounds.end), timeColumn: bounds.start, grace: 0, dialect: .flink, span: span)
    }

    /// The projection below an aggregate: keys, aggregate arguments and filters, and the event
    /// time, each distinct expression once.
    struct PreProjection {
        /// The first of a window table function's virtual columns, which cannot be computed here.
        let virtualBase: Int
        var expressions: [BoundExpr] = []

        /// The column of `expr`, added unless an equal expression is there already.
        mutating func slot(_ expr: BoundExpr) -> Int {
            if let index = expressions.firstIndex(of: expr) { return index }
            expressions.append(expr)
            return expressions.count - 1
        }

        var schema: Schema {
            Schema(expressions.enumerated().map { Field("$\($0.offset)", $0.element.type == .null ? .varchar : $0.element.type) })
        }

        func requirePhysical(_ expr: BoundExpr, at span: SourceSpan) throws(SQLError) {
            if expr.referencedColumns.contains(where: { $0 >= virtualBase }) {
                throw SQLError.unsupported("window_start, window_end and window_time can only be grouped by or selected", at: span)
            }
        }
    }

    /// The distinct bound group keys, their pre-projection columns and output fields.
    struct GroupKeys {
        var bound: [BoundExpr] = []
        var slots: [Int] = []
        var fields: [Field] = []
    }

    private func bindGroupKeys(_ exprs: [Expr], binder: ExpressionBinder, into pre: inout PreProjection) throws(SQLError) -> GroupKeys {
        var keys = GroupKeys()
        for expr in exprs {
            let bound = try binder.bind(expr)
            try pre.requirePhysical(bound, at: expr.span)
            if keys.bound.contains(bound) { continue }
            keys.bound.append(bound)
            keys.slots.append(pre.slot(bound))
            let name: String
            if case .column(let reference) = expr { name = reference.name.value } else { name = "$key\(keys.fields.count)" }
            keys.fields.append(Field(name, bound.type == .null ? .varchar : bound.type))
        }
        return keys
    }

    /// The aggregate over the pre-projection (whose event-time column is the window's time):
    /// windowed when the query groups by a window.
    private func aggregatePlan(
        over preProject: StreamPlan, input: Input, window: WindowSource?, keys: GroupKeys, calls: [AggregateCall], emit: EmitMode?
    ) throws(SQLError) -> StreamPlan {
        let aggregateFields = calls.enumerated().map { Field("$agg\($0.offset)", $0.element.type) }
        guard let window, let timeSlot = preProject.eventTimeColumn else {
            return .groupAggregate(.init(input: preProject, keys: keys.slots, aggregates: calls, schema: Schema(keys.fields + aggregateFields)))
        }
        if !input.plan.appendOnly {
            throw SQLError.unsupported("windows over a changelog (updating) input are not supported", at: window.span)
        }
        let spec = window.spec(timeColumn: timeSlot)
        let emitMode: StreamPlan.WindowAggregate.Emit
        switch window.dialect {
        case .ksql: emitMode = emit == .final ? .final : .changes
        case .flink: emitMode = emit == .changes ? .changes : .final
        }
        let schema = Schema(keys.fields + [Field("window_start", .timestamp3, nullable: false), Field("window_end", .timestamp3, nullable: false)]
                            + aggregateFields)
        return .windowAggregate(.init(input: preProject, window: spec, keys: keys.slots, aggregates: calls, emit: emitMode, schema: schema))
    }

    /// The select list over the aggregate (and HAVING), as the final projection; its first item
    /// that is `windowTime` carries event time.
    private func bindAggregateSelectList(
        _ select: Select, over plan: StreamPlan, binder: ExpressionBinder, windowTime: BoundExpr?
    ) throws(SQLError) -> (StreamPlan, [Expr?]) {
        var expressions: [BoundExpr] = []
        var fields: [Field] = []
        var items: [Expr?] = []
        var timeColumn: Int?
        for item in select.items {
            guard case .expression(let selected) = item else {
                throw SQLError(.groupingError, "SELECT * cannot be used with GROUP BY; list the grouped columns and aggregates", at: item.span)
            }
            let bound = try binder.bind(selected.expr)
            if timeColumn == nil, let windowTime, bound == windowTime { timeColumn = expressions.count }
            expressions.append(bound)
            fields.append(Field(outputName(of: selected, position: fields.count), bound.type == .null ? .varchar : bound.type))
            items.append(selected.expr)
        }
        return (.project(.init(input: plan, expressions: expressions, schema: Schema(fields), timeColumn: timeColumn)), items)
    }

    /// What an expression above the aggregate (HAVING, the select list) may read: the keys, the
    /// window bounds and the aggregates, by their columns in the aggregate's output.
    private struct AggregateOutput {
        var aggregates: [FunctionCall]
        var keyExprs: [Expr]
        var keys: GroupKeys
        /// The binder the keys were bound with.
        var keyBinder: ExpressionBinder
        var windowColumns: (start: Int, end: Int)?
        /// The input columns of a windowed input's bounds when the aggregate regroups by them.
        var attachedWindow: (start: Int, end: Int)?
        var schema: Schema
        /// The aggregate's input scope, to resolve column references against the keys.
        var scope: Scope
        var virtualBase: Int

        var aggregateBase: Int { keys.fields.count + (windowColumns == nil ? 0 : 2) }

        func binder() -> ExpressionBinder {
            ExpressionBinder(
                resolveColumn: { (reference: ColumnReference) throws(SQLError) -> BoundExpr in
                    throw SQLError.internal("unresolved column \(reference.name.value) above an aggregate")
                },
                substitute: substitute, clause: "SELECT")
        }

        /// `start`, `end` or `time` (= end − 1 ms) of the window.
        func windowColumn(_ which: String, at span: SourceSpan) throws(SQLError) -> BoundExpr {
            guard let windowColumns else {
                throw SQLError(.groupingError, "\(which) needs a windowed GROUP BY", at: span)
            }
            switch which {
            case "start": return .column(windowColumns.start, .timestamp3)
            case "end": return .column(windowColumns.end, .timestamp3)
            default: return windowTime!
            }
        }

        /// `window_time`: the window's end − 1 ms, nil without a window.
        var windowTime: BoundExpr? {
            windowColumns.map {
                .call(.timestampAddInterval, [.column($0.end, .timestamp3), .literal(.interval(milliseconds: -1), .intervalDayTime)], .timestamp3)
            }
        }

        /// The aggregate output column `expr` stands for, nil to bind it as usual.
        func substitute(_ expr: Expr) throws(SQLError) -> BoundExpr? {
            if case .function(let call) = expr {
                if let index = aggregates.firstIndex(of: call) {
                    return QueryBinder.finished(call, .column(aggregateBase + index, schema[aggregateBase + index].type))
                }
                let name = call.upperName
                if name.hasSuffix("_START"), FunctionBinder.groupWindowNames.contains(name) { return try windowColumn("start", at: call.span) }
                if name.hasSuffix("_END"), FunctionBinder.groupWindowNames.contains(name) { return try windowColumn("end", at: call.span) }
                if name.hasSuffix("_ROWTIME"), FunctionBinder.groupWindowNames.contains(name) { return try windowColumn("time", at: call.span) }
            }
            if let index = keyExprs.firstIndex(of: expr), let key = keys.bound.firstIndex(of: try keyBinder.bind(keyExprs[index])) {
                return .column(key, keys.fields[key].type)
            }
            guard case .column(let reference) = expr else {
                // A grouping expression spelled differently (`INITCAP(COL1)` for `initcap(col1)`)
                // binds to the same key; one that does not bind below the aggregate is not one.
                if !keyExprs.isEmpty, let bound = try? keyBinder.bind(expr), let key = keys.bound.firstIndex(of: bound) {
                    return .column(key, keys.fields[key].type)
                }
                return nil
            }
            let name = reference.name.value.lowercased()
            // Unqualified, or qualified by the windowed source (`Test.WindowStart`).
            let qualifier = reference.qualifier.last?.value.lowercased()
            if qualifier.map({ q in scope.columns.contains { $0.qualifiers.contains(q) } }) ?? true,
               windowColumns != nil, name == "windowstart" || name == "windowend",
               scope.columns.firstIndex(where: { $0.name.lowercased() == name }) == nil {
                // ksqlDB exposes window bounds as BIGINT epoch milliseconds.
                return .cast(try windowColumn(name == "windowstart" ? "start" : "end", at: reference.span), to: .bigint)
            }
            let index = try scope.resolve(reference)
            if index >= virtualBase {
                return try windowColumn(["start", "end", "time"][index - virtualBase], at: reference.span)
            }
            if let attachedWindow, index == attachedWindow.start || index == attachedWindow.end {
                return try windowColumn(index == attachedWindow.start ? "start" : "end", at: reference.span)
            }
            if let key = keys.bound.firstIndex(of: .column(index, scope.columns[index].type)) {
                return .column(key, keys.fields[key].type)
            }
            throw SQLError(.groupingError,
                           "column '\(reference.parts.map(\.value).joined(separator: "."))' must appear in the GROUP BY clause or be used in an aggregate function",
                           at: reference.span)
        }
    }

    /// Aggregates computed as the list of their non-NULL values in arrival order (a retraction
    /// removes a value's earliest copy, as Flink's retracting versions do) and a step on it:
    /// LISTAGG joins the list, FIRST_VALUE and LAST_VALUE take its first and last element.
    static let listFinishedAggregates: Set<String> = ["LISTAGG", "FIRST_VALUE", "LAST_VALUE"]

    /// What the query sees of an aggregate whose output is `output`.
    static func finished(_ call: FunctionCall, _ output: BoundExpr) -> BoundExpr {
        guard case .array(let element) = output.type else { return output }
        switch call.upperName {
        case "LISTAGG":
            return .call(.arrayJoin, [output, .literal(.string(listSeparator(call) ?? ","), .varchar)], .varchar)
        case "FIRST_VALUE":
            return .call(.arrayElement, [output, .literal(.int(1), .bigint)], element)
        case "LAST_VALUE":
            return .call(.arrayElement, [output, .literal(.int(-1), .bigint)], element)
        default:
            return output
        }
    }

    /// LISTAGG's separator: `,` unless a second argument, a string literal, gives another.
    static func listSeparator(_ call: FunctionCall) -> String? {
        guard call.arguments.count == 2 else { return "," }
        guard case .literal(let literal) = call.arguments[1], case .string(let text) = literal.value else { return nil }
        return text
    }

    func bindAggregateCall(
        _ call: FunctionCall, binder: ExpressionBinder, into pre: inout PreProjection
    ) throws(SQLError) -> AggregateCall {
        let name = call.upperName
        var filter: BoundExpr?
        var filterPredicate: BoundExpr?
        if let filterExpr = call.filter {
            let predicate = try binder.bind(filterExpr)
            filterPredicate = predicate
            guard predicate.type == .boolean || predicate.type == .null else {
                throw SQLError(.datatypeMismatch, "FILTER needs a BOOLEAN condition, found \(predicate.type)", at: filterExpr.span)
            }
            filter = .column(pre.slot(predicate), .boolean)
        }
        if name == "COUNT", call.isStar || call.arguments.isEmpty {
            return AggregateCall(kind: .countStar, argument: nil, filter: filter, type: .bigint)
        }
        if let first = call.orderBy.first, !["ARRAY_AGG", "COLLECT_LIST", "COLLECT_SET"].contains(name) {
            throw SQLError.unsupported("ORDER BY inside an aggregate's arguments is supported for ARRAY_AGG only", at: first.span)
        }
        let byOffset = name.hasSuffix("_BY_OFFSET")
        let expectedArguments = name.contains("PERCENTILE") || name == "APPROX_QUANTILE" || name.hasPrefix("TOPK") ? 2 : 1
        if name == "LISTAGG", call.arguments.count == 2, Self.listSeparator(call) == nil {
            throw SQLError(.invalidParameterValue, "LISTAGG takes a constant string as its separator", at: call.arguments[1].span)
        }
        guard call.arguments.count == expectedArguments || (byOffset && (2...3).contains(call.arguments.count))
            || (name == "LISTAGG" && call.arguments.count == 2)
        else {
            throw SQLError(.undefinedFunction, "\(name) takes \(expectedArguments) argument\(expectedArguments == 1 ? "" : "s")", at: call.span)
        }
        var argument = try binder.bind(call.arguments[0])
        if argument.referencedColumns.contains(where: { $0 >= pre.virtualBase }) {
            throw SQLError.unsupported("aggregates over window columns are not supported", at: call.arguments[0].span)
        }
        if argument.type == .null { argument = .literal(.null, .bigint) }
        if name == "SUM_LIST" {
            // ksqlDB's SUM_LIST(array): the SUM of every element of every row's array.
            guard case .array(let element) = argument.type, element.isInteger || element == .double else {
                throw SQLError(.datatypeMismatch, "SUM_LIST sums an ARRAY of INT, BIGINT or DOUBLE, not \(argument.type)", at: call.arguments[0].span)
            }
            argument = .call(.arraySum, [argument], element)
        }
        let type = argument.type
        func column(_ expr: BoundExpr) -> BoundExpr { .column(pre.slot(expr), expr.type) }
        func requireNumeric() throws(SQLError) {
            guard type.isNumeric else {
                throw SQLError(.datatypeMismatch, "\(name) needs a numeric argument, found \(type)", at: call.arguments[0].span)
            }
        }
        switch name {
        case "COUNT":
            return AggregateCall(kind: .count, argument: column(argument), distinct: call.distinct, filter: filter, type: .bigint)
        case "COUNT_DISTINCT":
            // ksqlDB's spelling of COUNT(DISTINCT x).
            return AggregateCall(kind: .count, argument: column(argument), distinct: true, filter: filter, type: .bigint)
        case "SUM", "SUM_LIST":
            try requireNumeric()
            var result = type
            if case .decimal = type { result = DecimalTypes.aggregateSum(type) }
            return AggregateCall(kind: .sum, argument: column(argument), distinct: call.distinct, filter: filter, type: result)
        case "AVG":
            try requireNumeric()
            var result = type
            if case .decimal = type { result = DecimalTypes.average(type) }
            return AggregateCall(kind: .avg, argument: column(argument), distinct: call.distinct, filter: filter, type: result)
        case "MIN", "MAX":
            return AggregateCall(kind: name == "MIN" ? .min : .max, argument: column(argument), distinct: false, filter: filter, type: type)
        case "BOOL_AND", "EVERY", "BOOL_OR":
            // FALSE < TRUE: every value true is the least one true, any true the greatest.
            guard type == .boolean else {
                throw SQLError(.datatypeMismatch, "\(name) needs a BOOLEAN argument, found \(type)", at: call.arguments[0].span)
            }
            return AggregateCall(kind: name == "BOOL_OR" ? .max : .min, argument: column(argument), distinct: false, filter: filter, type: type)
        case "VAR_POP", "VAR_SAMP", "STDDEV_POP", "STDDEV_SAMP":
            guard type.isInteger || type == .double, let statistic = AggregateCall.Statistic(rawValue: name) else {
                throw SQLError(.datatypeMismatch, "\(name) needs an INT, BIGINT or DOUBLE argument, found \(type)", at: call.arguments[0].span)
            }
            return AggregateCall(kind: .statistic(statistic), argument: column(argument), filter: filter, type: type)
        case "LISTAGG", "FIRST_VALUE", "LAST_VALUE":
            // The non-NULL values in arrival order, finished by `finished(_:_:)`.
            let value = name == "LISTAGG" ? try binder.coerce(argument, to: .varchar, at: call.arguments[0].span, lenient: true) : argument
            // NULLs are left out by the filter: the collected list keeps every value it is given.
            var keep = BoundExpr.call(.isNotNull, [value], .boolean)
            if let filterPredicate { keep = .call(.and, [filterPredicate, keep], .boolean) }
            return AggregateCall(kind: .collect(distinct: false), argument: column(value), distinct: false, filter: column(keep), type: .array(value.type))
        case "HISTOGRAM":
            guard type == .varchar else {
                throw SQLError(.datatypeMismatch, "HISTOGRAM counts VARCHAR values, not \(type)", at: call.arguments[0].span)
            }
            return AggregateCall(kind: .histogram, argument: column(argument), filter: filter, type: .map(key: .varchar, value: .bigint))
        case "COLLECT":
            return AggregateCall(
                kind: .multiset(distinct: call.distinct), argument: column(argument), filter: filter,
                type: .map(key: type == .null ? .varchar : type, value: .integer))
        case "ARRAY_AGG", "COLLECT_LIST", "COLLECT_SET":
            let distinct = name == "COLLECT_SET" || call.distinct
            // With ORDER BY the collected values are rows of the sort keys and the value.
            var collected = argument
            var order: [AggregateCall.SortKey] = []
            if !call.orderBy.isEmpty {
                var parts: [BoundExpr] = []
                for item in call.orderBy {
                    parts.append(try binder.bind(item.expr))
                    let ascending = item.ascending ?? true
                    order.append(AggregateCall.SortKey(ascending: ascending, nullsFirst: item.nullsFirst ?? !ascending))
                }
                parts.append(argument)
                var fields: [RowField] = []
                for (index, part) in parts.enumerated() {
                    fields.append(RowField("f\(index)", part.type == .null ? .varchar : part.type))
                    parts[index] = try binder.cast(part, to: fields[index].type)
                }
                collected = .call(.makeRow, parts, .row(fields))
            }
            var aggregate = AggregateCall(
                kind: .collect(distinct: distinct, limit: name == "COLLECT_LIST" ? collectLimits.list : name == "COLLECT_SET" ? collectLimits.set : nil),
                argument: column(collected), filter: filter,
                type: .array(type))
            aggregate.orderBy = order
            return aggregate
        case "TOPK", "TOPKDISTINCT":
            guard call.arguments.count == 2, case .literal(.int(let k), _) = try binder.bind(call.arguments[1]).unwrappedCast else {
                throw SQLError(.invalidParameterValue, "\(name) takes a column and a constant count: \(name)(x, k)", at: call.span)
            }
            guard k > 0, k <= 1_000 else {
                throw SQLError(.invalidParameterValue, "\(name) keeps between 1 and 1000 values, not \(k)", at: call.arguments[1].span)
            }
            return AggregateCall(
                kind: .top(count: Int(k), distinct: name == "TOPKDISTINCT"), argument: column(argument), filter: filter, type: .array(type))
        case "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET":
            // ksqlDB's forms: (x), (x, ignoreNulls), (x, n), (x, n, ignoreNulls).
            var ignoreNulls = true
            var count: Int?
            for (position, argumentExpr) in call.arguments.dropFirst().enumerated() {
                switch try binder.bind(argumentExpr).unwrappedCast {
                case .literal(.boolean(let flag), _) where position == call.arguments.count - 2:
                    ignoreNulls = flag
                case .literal(.int(let n), _) where position == 0:
                    guard n > 0, n <= 1_000 else {
                        throw SQLError(.invalidParameterValue, "\(name) keeps between 1 and 1000 values, not \(n)", at: argumentExpr.span)
                    }
                    count = Int(n)
                default:
                    throw SQLError.unsupported(
                        "\(name) takes a constant count of values and a constant BOOLEAN (ignore NULLs) after its column",
                        at: argumentExpr.span)
                }
            }
            return AggregateCall(
                kind: name == "LATEST_BY_OFFSET"
                    ? .latestByOffset(ignoreNulls: ignoreNulls, count: count) : .earliestByOffset(ignoreNulls: ignoreNulls, count: count),
                argument: column(argument), filter: filter, type: count == nil ? type : .array(type))
        default:
            try requireNumeric()
            let quantile = try binder.bind(call.arguments[1])
            let q: Double
            switch quantile.unwrappedCast {
            case .literal(.decimal(let unscaled, let scale), _): q = DecimalFormat.double(unscaled: unscaled, scale: scale)
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
