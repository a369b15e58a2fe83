public import RivuletCore
import RivuletSQL

extension QueryBinder {
    /// `t CROSS JOIN UNNEST(t.arr) [WITH ORDINALITY] AS u(c, ...)` (also `JOIN ... ON TRUE` and
    /// `FROM t, UNNEST(...)`): each row of `t` expanded by its own array or map. nil when the
    /// argument reads no column of `t` (a constant array, bound as a table of its own).
    func bindLateralUnnest(_ join: Join, _ unnest: UnnestTable) throws(SQLError) -> Input? {
        let left = try materializedWindow(bindTableReference(join.left))
        guard let expanded = try expand(left, by: unnest) else { return nil }
        guard join.kind == .cross || join.kind == .inner else {
            throw SQLError.unsupported("only CROSS JOIN UNNEST (or INNER JOIN ... ON TRUE) is supported", at: join.span)
        }
        if let condition = join.condition {
            guard case .literal(let literal) = condition, literal.value == .boolean(true) else {
                throw SQLError.unsupported("a join with UNNEST takes no condition but ON TRUE; filter in WHERE", at: condition.span)
            }
        }
        return expanded
    }

    /// Each row of `left` expanded by the array `unnest` reads from it; nil when the argument
    /// reads no column of `left`.
    func expand(_ left: Input, by unnest: UnnestTable, evenIfConstant: Bool = false) throws(SQLError) -> Input? {
        let argument = try bindUnnestArgument(unnest, scope: left.scope)
        guard evenIfConstant || !argument.referencedColumns.isEmpty else { return nil }
        guard StreamPlan.Unnest.elementFields(of: argument.type) != nil else {
            throw SQLError(.datatypeMismatch, "UNNEST needs an ARRAY or a MAP, not \(argument.type)", at: unnest.argument.span)
        }
        let node = StreamPlan.Unnest(
            input: left.plan, argument: argument, withOrdinality: unnest.withOrdinality,
            names: unnest.columnAliases.isEmpty && unnest.isFunction
                ? [unnest.alias?.value ?? unnest.functionName] : unnest.columnAliases.map(\.value))
        let added = Array(node.schema.fields[left.plan.schema.count...])
        if unnest.columnAliases.count > added.count {
            throw SQLError(.syntaxError, "UNNEST gives \(added.count) column\(added.count == 1 ? "" : "s"), not \(unnest.columnAliases.count)",
                           at: unnest.columnAliases[added.count].span)
        }
        let qualifier = unnest.alias?.value.lowercased()
        let columns = left.scope.columns + added.map { field in
            Scope.Column(qualifiers: qualifier.map { [$0] } ?? [], name: field.name, type: field.type, isEventTime: false)
        }
        return Input(plan: .unnest(node), scope: Scope(columns: columns), window: nil)
    }
}

extension QueryBinder {
    /// The array an `UNNEST` item reads, over `scope`: its argument, or the series a
    /// `generate_series(start, stop [, step])` in FROM counts through.
    func bindUnnestArgument(_ unnest: UnnestTable, scope: Scope) throws(SQLError) -> BoundExpr {
        let binder = scalarBinder(for: scope, clause: "FROM")
        guard unnest.isFunction, case .function(let call) = unnest.argument else { return try binder.bind(unnest.argument) }
        if call.upperName == "UNNEST", call.arguments.count == 1 { return try binder.bind(call.arguments[0]) }
        guard call.upperName == "GENERATE_SERIES", (2...3).contains(call.arguments.count) else {
            throw SQLError.unsupported("\(call.name) in FROM: generate_series(start, stop [, step]) is the table function supported",
                                       at: call.span)
        }
        var bounds: [BoundExpr] = []
        for argument in call.arguments {
            let bound = try binder.bind(argument)
            guard bound.type.isInteger || bound.type == .null else {
                throw SQLError(.datatypeMismatch, "generate_series counts integers, not \(bound.type)", at: argument.span)
            }
            bounds.append(try binder.cast(bound, to: .bigint))
        }
        return .call(.integerSeries, bounds, .array(.bigint))
    }
}

extension QueryBinder {
    /// The column the `n`th distinct `EXPLODE(...)` call is read from once the input is expanded.
    static func explodedColumn(_ n: Int) -> String { "$exploded\(n)" }

    /// ksqlDB's `EXPLODE(array)` in the SELECT list, anywhere in an item (`EXPLODE(a)->f`): the
    /// input expanded to one row per element, each call replaced by its element column. Several
    /// calls expand in lockstep, as ksqlDB runs its table functions: as many rows as the longest
    /// array has elements, a shorter one's calls NULL past its end (a NULL array counts as empty).
    /// An item that is a call alone is named by its alias or `EXPR$n`. Returns `select`
    /// unchanged when it calls no EXPLODE.
    func bindExplode(_ select: Select, input: inout Input) throws(SQLError) -> Select {
        var select = select
        var calls: [FunctionCall] = []
        func replacingCalls(_ expr: Expr) -> Expr {
            guard case .function(let call) = expr, call.upperName == "EXPLODE", call.over == nil else {
                return expr.replacingChildren(replacingCalls)
            }
            let n = calls.firstIndex(of: call) ?? {
                calls.append(call)
                return calls.count - 1
            }()
            return .column(ColumnReference([Identifier(Self.explodedColumn(n), quoted: true, span: call.span)]))
        }
        for (i, item) in select.items.enumerated() {
            guard case .expression(var e) = item else { continue }
            let isCall = if case .function(let call) = e.expr, call.upperName == "EXPLODE" { true } else { false }
            let count = calls.count
            e.expr = replacingCalls(e.expr)
            if calls.count > count || isCall {
                if isCall, e.alias == nil { e.alias = Identifier("EXPR$\(i)", quoted: true) }
                select.items[i] = .expression(e)
            }
        }
        guard let first = calls.first else { return select }
        guard input.plan.appendOnly else {
            throw SQLError.unsupported("EXPLODE reads a stream: a table's rows cannot be expanded", at: first.span)
        }
        var arrays: [BoundExpr] = []
        for call in calls {
            guard call.arguments.count == 1 else {
                throw SQLError(.undefinedFunction, "EXPLODE takes 1 argument, not \(call.arguments.count)", at: call.span)
            }
            let argument = try scalarBinder(for: input.scope, clause: "EXPLODE").bind(call.arguments[0])
            guard case .array = argument.type else {
                throw SQLError(.datatypeMismatch, "EXPLODE expects an ARRAY, found \(argument.type)", at: call.arguments[0].span)
            }
            arrays.append(argument)
        }
        let names = arrays.indices.map(Self.explodedColumn)
        let node = StreamPlan.Unnest(
            input: input.plan, argument: arrays[0], alongside: Array(arrays.dropFirst()), withOrdinality: false, spreadsRows: false,
            names: names)
        input.plan = .unnest(node)
        for field in node.schema.fields.suffix(names.count) {
            input.scope.columns.append(Scope.Column(qualifiers: [], name: field.name, type: field.type, isEventTime: false, isSystem: true))
        }
        return select
    }
}

extension QueryBinder {
    /// Postgres's set-returning functions in the SELECT list, `unnest(a)` and
    /// `generate_subscripts(a, 1)`: the input expanded to one row per element, arrays side by
    /// side in lockstep as Postgres runs them (as many rows as the longest array has elements, a
    /// shorter array's calls NULL past its end; a NULL or empty array counts as empty), `unnest(a)`
    /// replaced by the element and `generate_subscripts(a, 1)` by its 1-based position.
    /// Returns `select` unchanged when it calls neither.
    func bindSetReturningFunctions(_ select: Select, input: inout Input) throws(SQLError) -> Select {
        var select = select
        var arrays: [Expr] = []
        var replaced: [(index: Int, array: Int, isSubscript: Bool, alias: Identifier?, span: SourceSpan)] = []
        for (i, item) in select.items.enumerated() {
            guard case .expression(let e) = item, case .function(let call) = e.expr else { continue }
            let isSubscript: Bool
            switch call.upperName {
            case "UNNEST" where call.arguments.count == 1:
                isSubscript = false
            case "GENERATE_SUBSCRIPTS" where call.arguments.count == 2:
                let dimension = try scalarBinder(for: input.scope, clause: "GENERATE_SUBSCRIPTS").bind(call.arguments[1])
                guard case .literal(.int(1), _) = dimension.unwrappedCast else {
                    throw SQLError.unsupported("GENERATE_SUBSCRIPTS of the first dimension only (arrays have one)", at: call.arguments[1].span)
                }
                isSubscript = true
            default:
                continue
            }
            let array = arrays.firstIndex(of: call.arguments[0]) ?? {
                arrays.append(call.arguments[0])
                return arrays.count - 1
            }()
            replaced.append((i, array, isSubscript, e.alias ?? Identifier(call.name.name.value.lowercased(), quoted: true), call.span))
        }
        guard !arrays.isEmpty else { return select }
        var bound: [BoundExpr] = []
        for array in arrays {
            let argument = try scalarBinder(for: input.scope, clause: "UNNEST").bind(array)
            guard case .array = argument.type else {
                throw SQLError(.datatypeMismatch, "UNNEST expects an ARRAY, found \(argument.type)", at: array.span)
            }
            bound.append(argument)
        }
        let names = arrays.indices.flatMap { [Self.elementColumn($0), Self.subscriptColumn($0)] }
        let node = StreamPlan.Unnest(
            input: input.plan, argument: bound[0], alongside: Array(bound.dropFirst()), withOrdinality: true, spreadsRows: false,
            names: names)
        input.plan = .unnest(node)
        for field in node.schema.fields.suffix(names.count) {
            input.scope.columns.append(Scope.Column(qualifiers: [], name: field.name, type: field.type, isEventTime: false, isSystem: true))
        }
        for (index, array, isSubscript, alias, span) in replaced {
            let column = isSubscript ? Self.subscriptColumn(array) : Self.elementColumn(array)
            let reference = Expr.column(ColumnReference([Identifier(column, quoted: true, span: span)]))
            select.items[index] = .expression(SelectExpression(expr: reference, alias: alias, span: span))
        }
        return select
    }

    /// The columns the `n`th array of the select list's set-returning functions is read from.
    static func elementColumn(_ n: Int) -> String { "$element\(n)" }
    static func subscriptColumn(_ n: Int) -> String { "$subscript\(n)" }
}
