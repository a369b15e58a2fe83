public import RivuletCore
import RivuletSQL

extension QueryBinder {
    /// `input MATCH_RECOGNIZE (...)`, as Flink supports it: a pattern of variables with
    /// quantifiers (no groups, alternation or PERMUTE), ONE ROW PER MATCH, ordered by the
    /// input's event-time column. The output is the PARTITION BY columns, then the measures.
    func bindMatchRecognize(_ match: MatchRecognize) throws(SQLError) -> Input {
        let input = try bindTableReference(match.input)
        guard input.plan.appendOnly else {
            throw SQLError.unsupported("MATCH_RECOGNIZE over a changelog (updating) input is not supported", at: match.span)
        }
        if match.rowsPerMatch == .all {
            throw SQLError.unsupported("ALL ROWS PER MATCH is not supported; only ONE ROW PER MATCH", at: match.rowsPerMatchSpan)
        }
        let scalar = scalarBinder(for: input.scope, clause: "PARTITION BY")
        var keys: [Int] = []
        for expr in match.partitionBy {
            guard let column = try scalar.bind(expr).unwrappedColumn else {
                throw SQLError.unsupported("MATCH_RECOGNIZE can only partition by columns", at: expr.span)
            }
            keys.append(column)
        }
        guard let order = match.orderBy.first else {
            throw SQLError.unsupported("MATCH_RECOGNIZE must be ordered by an event-time column", at: match.span)
        }
        let ordered = try scalarBinder(for: input.scope, clause: "ORDER BY").bind(order.expr)
        guard let timeColumn = ordered.unwrappedColumn, timeColumn == input.plan.eventTimeColumn, order.ascending ?? true else {
            throw SQLError.unsupported(
                "MATCH_RECOGNIZE must be ordered first by the event-time column (with a watermark), ascending", at: order.span)
        }
        var sortKeys: [StreamPlan.TopN.SortKey] = []
        for item in match.orderBy.dropFirst() {
            guard let column = try scalarBinder(for: input.scope, clause: "ORDER BY").bind(item.expr).unwrappedColumn else {
                throw SQLError.unsupported("MATCH_RECOGNIZE can only be ordered by columns", at: item.span)
            }
            sortKeys.append(.init(column: column, ascending: item.ascending ?? true))
        }
        let elements = try Self.patternElements(match.pattern, span: match.span)
        var variables: [String: Int] = [:]
        for (index, element) in elements.enumerated() { variables[element.name.lowercased()] = index }

        let navigations = NavigationTable()
        var conditions: [BoundExpr?] = Array(repeating: nil, count: elements.count)
        for definition in match.definitions {
            guard let index = variables[definition.name.value.lowercased()] else {
                throw SQLError(.undefinedObject, "DEFINE names '\(definition.name.value)', which is not a variable of the pattern",
                               at: definition.name.span)
            }
            if conditions[index] != nil {
                throw SQLError.syntax("pattern variable '\(definition.name.value)' is defined twice", at: definition.name.span)
            }
            let condition = try bindNavigating(
                definition.condition, input: input, timeColumn: timeColumn, variables: variables, navigations: navigations,
                clause: "DEFINE")
            guard condition.type == .boolean || condition.type == .null else {
                throw SQLError(.datatypeMismatch, "DEFINE \(definition.name.value) must be BOOLEAN, not \(condition.type)",
                               at: definition.condition.span)
            }
            conditions[index] = condition
        }
        var fields = keys.map { input.plan.schema[$0] }
        var measures: [BoundExpr] = []
        var eventTimeColumn: Int?
        for measure in match.measures {
            let bound = try bindNavigating(
                measure.expr, input: input, timeColumn: timeColumn, variables: variables, navigations: navigations,
                clause: "MEASURES")
            if case .column(let index, _) = bound, navigations.items[index].kind == .matchRowtime, eventTimeColumn == nil {
                eventTimeColumn = fields.count
            }
            measures.append(bound)
            fields.append(Field(measure.name.value, bound.type == .null ? .varchar : bound.type))
        }
        let skip: StreamPlan.MatchRecognize.Skip
        switch match.afterMatch ?? .toNextRow {
        case .pastLastRow: skip = .pastLastRow
        case .toNextRow: skip = .toNextRow
        case .toFirst(let name), .toLast(let name):
            guard let index = variables[name.value.lowercased()] else {
                throw SQLError(.undefinedObject, "AFTER MATCH SKIP names '\(name.value)', which is not a variable of the pattern",
                               at: name.span)
            }
            if case .toFirst = match.afterMatch! { skip = .toFirst(index) } else { skip = .toLast(index) }
        }
        let within = try match.within.map { (e: Expr) throws(SQLError) in try intervalMillis(e, what: "WITHIN interval") }
        var node = StreamPlan.MatchRecognize(
            input: input.plan, partitionKeys: keys, timeColumn: timeColumn, elements: elements, conditions: conditions,
            measures: measures, navigations: navigations.items, skip: skip, withinMillis: within,
            schema: Schema(fields), eventTimeColumn: eventTimeColumn)
        node.sortKeys = sortKeys
        let plan = StreamPlan.matchRecognize(node)
        var scope = Scope(schema: node.schema, qualifier: match.alias?.value, eventTimeColumn: eventTimeColumn)
        for (i, key) in keys.enumerated() {
            scope.columns[i].qualifiers.formUnion(input.scope.columns[key].qualifiers)
        }
        return Input(plan: plan, scope: scope, window: nil)
    }

    /// The pattern as a sequence of quantified variables; what Flink refuses is refused here.
    static func patternElements(_ pattern: RowPattern, span: SourceSpan) throws(SQLError) -> [StreamPlan.MatchRecognize.Element] {
        let parts: [RowPattern]
        if case .sequence(let list) = pattern { parts = list } else { parts = [pattern] }
        var elements: [StreamPlan.MatchRecognize.Element] = []
        var spans: [SourceSpan] = []
        for part in parts {
            switch part {
            case .variable(let name, let quantifier):
                if elements.contains(where: { $0.name.lowercased() == name.value.lowercased() }) {
                    throw SQLError.unsupported("pattern variable '\(name.value)' appears twice in the pattern", at: name.span)
                }
                let q = quantifier ?? PatternQuantifier(min: 1, max: 1)
                if q.max == 0 {
                    throw SQLError.unsupported("a quantifier's upper bound must be greater than 0", at: q.span)
                }
                if q.min == 0, let max = q.max, max > 1 {
                    throw SQLError.unsupported("a bounded quantifier's lower bound must be greater than 0", at: q.span)
                }
                if q.reluctant, q.min == 0, q.max == 1 {
                    throw SQLError.unsupported("the reluctant optional quantifier (??) is not supported", at: q.span)
                }
                let element = StreamPlan.MatchRecognize.Element(name: name.value, min: q.min, max: q.max, reluctant: q.reluctant)
                if element.min == 0, let previous = elements.last, previous.greedy {
                    throw SQLError.unsupported("an optional variable cannot follow a greedy one", at: name.span)
                }
                elements.append(element)
                spans.append(quantifier?.span ?? name.span)
            case .sequence(let list):
                // A nested sequence only comes from a group; flatten nothing else.
                throw SQLError.unsupported("pattern groups are not supported", at: list.first.map { Self.patternSpan($0) } ?? span)
            case .group(_, _, let groupSpan):
                throw SQLError.unsupported("pattern groups are not supported: quantify single variables", at: groupSpan.wrappedValue)
            case .alternation(_, let alternationSpan):
                throw SQLError.unsupported("pattern alternation (|) is not supported", at: alternationSpan.wrappedValue)
            case .permute(_, let permuteSpan):
                throw SQLError.unsupported("PERMUTE is not supported", at: permuteSpan.wrappedValue)
            }
        }
        if case .alternation(_, let alternationSpan) = pattern {
            throw SQLError.unsupported("pattern alternation (|) is not supported", at: alternationSpan.wrappedValue)
        }
        if elements.allSatisfy({ $0.min == 0 }) {
            throw SQLError.unsupported("a pattern that can match no rows is not supported", at: spans.first ?? span)
        }
        if let last = elements.last, last.greedy {
            throw SQLError.unsupported(
                "a greedy quantifier is not allowed on the last variable of a pattern: end it with a single variable or a reluctant quantifier",
                at: spans.last ?? span)
        }
        return elements
    }

    private static func patternSpan(_ pattern: RowPattern) -> SourceSpan {
        switch pattern {
        case .variable(let name, _): return name.span
        case .sequence(let list): return list.first.map { patternSpan($0) } ?? .unknown
        case .alternation(_, let span), .group(_, _, let span), .permute(_, let span): return span.wrappedValue
        }
    }

    /// Binds a DEFINE condition or a measure: each column reference and each FIRST, LAST,
    /// aggregate or MATCH_ROWTIME call becomes a column of the navigation row.
    private func bindNavigating(
        _ expr: Expr, input: Input, timeColumn: Int, variables: [String: Int], navigations: NavigationTable, clause: String
    ) throws(SQLError) -> BoundExpr {
        let rowBinder = scalarBinder(for: input.scope, clause: clause)
        /// A column of the input; its variable qualifier (if any) noted in `found`.
        func columnBinder(_ found: VariableBox) -> ExpressionBinder {
            ExpressionBinder(
                resolveColumn: { (reference: ColumnReference) throws(SQLError) -> BoundExpr in
                    var reference = reference
                    if reference.parts.count == 2, let variable = variables[reference.parts[0].value.lowercased()] {
                        if let previous = found.variable, previous != variable {
                            throw SQLError.unsupported("an expression of FIRST, LAST or an aggregate must read one pattern variable",
                                                       at: reference.span)
                        }
                        found.variable = variable
                        reference.parts.removeFirst()
                    }
                    return try rowBinder.resolveColumn(reference)
                },
                clause: clause, context: context)
        }
        var binder = scalarBinder(for: input.scope, clause: clause)
        binder.resolveColumn = { (reference: ColumnReference) throws(SQLError) -> BoundExpr in
            let found = VariableBox()
            let column = try columnBinder(found).bind(.column(reference))
            return navigations.add(.init(kind: .last(0), variable: found.variable, argument: column, type: column.type))
        }
        binder.substitute = { (expr: Expr) throws(SQLError) -> BoundExpr? in
            guard case .function(let call) = expr, call.over == nil else { return nil }
            let name = call.upperName
            switch name {
            case "FIRST", "LAST":
                guard call.arguments.count == 1 || call.arguments.count == 2 else {
                    throw SQLError(.undefinedFunction, "\(name) takes a column and an optional offset", at: call.span)
                }
                var offset = 0
                if call.arguments.count == 2 {
                    guard case .literal(let literal) = call.arguments[1], case .number(let digits) = literal.value,
                        let n = Int(digits), n >= 0
                    else {
                        throw SQLError(.invalidParameterValue, "the offset of \(name) must be a non-negative integer literal",
                                       at: call.arguments[1].span)
                    }
                    offset = n
                }
                let found = VariableBox()
                let argument = try columnBinder(found).bind(call.arguments[0])
                return navigations.add(.init(
                    kind: name == "FIRST" ? .first(offset) : .last(offset), variable: found.variable, argument: argument,
                    type: argument.type))
            case "MATCH_ROWTIME":
                // `MATCH_ROWTIME()` or `MATCH_ROWTIME(ts)` of the event-time column.
                if call.arguments.count > 1
                    || (call.arguments.count == 1 && (try? rowBinder.bind(call.arguments[0]).unwrappedColumn) != timeColumn)
                {
                    throw SQLError(.undefinedFunction, "MATCH_ROWTIME takes no argument or the event-time column", at: call.span)
                }
                return navigations.add(.init(kind: .matchRowtime, variable: nil, argument: nil, type: input.plan.schema[timeColumn].type))
            case "MATCH_PROCTIME", "CLASSIFIER", "PREV", "NEXT", "MATCH_NUMBER":
                throw SQLError.unsupported("\(name)() is not supported in MATCH_RECOGNIZE", at: call.span)
            case "COUNT", "SUM", "AVG", "MIN", "MAX":
                if call.distinct {
                    throw SQLError.unsupported("DISTINCT aggregates are not supported in MATCH_RECOGNIZE", at: call.span)
                }
                let found = VariableBox()
                var pre = PreProjection(virtualBase: Int.max)
                let aggregate = try bindAggregateCall(call, binder: columnBinder(found), into: &pre)
                var call = aggregate
                var argument: BoundExpr?
                if let column = aggregate.argument?.unwrappedColumn {
                    argument = pre.expressions[column]
                    call.argument = .column(0, pre.expressions[column].type)
                }
                if aggregate.filter != nil {
                    throw SQLError.unsupported("FILTER is not supported on aggregates in MATCH_RECOGNIZE", at: expr.span)
                }
                return navigations.add(.init(kind: .aggregate(call), variable: found.variable, argument: argument, type: aggregate.type))
            default:
                return nil
            }
        }
        return try binder.bind(expr)
    }
}

/// The navigations of one MATCH_RECOGNIZE, shared by the binders of its clauses.
final class NavigationTable {
    var items: [StreamPlan.MatchRecognize.Navigation] = []

    func add(_ navigation: StreamPlan.MatchRecognize.Navigation) -> BoundExpr {
        let index = items.firstIndex(of: navigation) ?? {
            items.append(navigation)
            return items.count - 1
        }()
        return .column(index, navigation.type)
    }
}

/// The pattern variable an expression reads, found while binding it.
final class VariableBox {
    var variable: Int?
}
