public import RivuletCore
import RivuletSQL

extension QueryBinder {
    /// FROM with joins: `a JOIN b ON ...` (nested), or `FROM a, b, ...` whose WHERE becomes the
    /// condition of the join with the last relation (the ones before it crossed, as psql's
    /// catalog queries list them). Returns the joined input and the WHERE clause still to apply.
    func bindJoinedFrom(_ select: Select) throws(SQLError) -> (Input, Expr?) {
        if select.from.count == 1 { return (try bindTableReference(select.from[0]), select.whereClause) }
        var left = select.from[0]
        for right in select.from.dropFirst().dropLast() {
            left = .join(Join(left: left, kind: .cross, right: right, condition: nil, span: right.span))
        }
        let join = Join(
            left: left, kind: select.whereClause == nil ? .cross : .inner, right: select.from[select.from.count - 1],
            condition: select.whereClause, span: select.span)
        return (try bindJoin(join), nil)
    }

    func bindJoin(_ join: Join) throws(SQLError) -> Input {
        if case .unnest(let unnest) = join.right, let expanded = try bindLateralUnnest(join, unnest) { return expanded }
        var left = try materializedWindow(bindTableReference(join.left))
        var asOf: Expr?
        var right: Input
        if case .named(let named) = join.right, let time = named.systemTimeAsOf {
            asOf = time
            right = try bindNamed(named.name, alias: named.alias)
        } else {
            right = try materializedWindow(bindTableReference(join.right))
        }
        let width = left.plan.schema.count
        let leftTime = left.plan.eventTimeColumn
        let rightTime = right.plan.eventTimeColumn
        for i in left.scope.columns.indices { left.scope.columns[i].isEventTime = false }
        for i in right.scope.columns.indices { right.scope.columns[i].isEventTime = false }
        var combined = Scope(columns: left.scope.columns + right.scope.columns)

        let kind: StreamPlan.Join.Kind
        switch join.kind {
        case .inner, .cross: kind = .inner
        case .left: kind = .left
        case .right: kind = .right
        case .full: kind = .full
        }
        var conjuncts: [BoundExpr] = []
        if !join.using.isEmpty {
            conjuncts = try usingConjuncts(join, combined: &combined, leftWidth: width)
        } else if let condition = join.condition {
            let bound = try scalarBinder(for: combined, clause: "ON").bind(condition)
            guard bound.type == .boolean || bound.type == .null else {
                throw SQLError(.datatypeMismatch, "ON needs a BOOLEAN condition, found \(bound.type)", at: condition.span)
            }
            conjuncts = Self.conjuncts(of: bound)
        } else if join.kind != .cross {
            throw SQLError(.syntaxError, "a \(kind.rawValue.uppercased()) JOIN needs an ON condition", at: join.span)
        }

        // Equal keys: a left column = a right column of the same kind of value.
        let keys = Self.joinKeys(of: conjuncts, leftWidth: width, columns: combined.columns)
        let (leftKeys, rightKeys) = (keys.left, keys.right)
        var rest = keys.rest

        var strategy = StreamPlan.Join.Strategy.regular
        var joinLeftTime: Int?
        var joinRightTime: Int?
        if let asOf {
            guard kind == .inner || kind == .left else {
                throw SQLError.unsupported("a temporal join is INNER or LEFT", at: join.span)
            }
            let probe = try scalarBinder(for: combined, clause: "FOR SYSTEM_TIME AS OF").bind(asOf).unwrappedColumn
            if let probe, probe < width, combined.columns[probe].isProcessingTime {
                // A processing-time temporal join is a lookup: each row joins the table as it is when the row arrives.
                guard left.plan.appendOnly, let key = right.plan.upsertKey, !key.isEmpty, Set(key).isSubset(of: Set(rightKeys)) else {
                    throw SQLError.unsupported(
                        "a processing-time temporal join needs an append-only left input and a TABLE with a PRIMARY KEY on the right, joined on its whole primary key",
                        at: join.right.span)
                }
                strategy = .streamTable
            } else {
                guard let leftTime, probe == leftTime else {
                    throw SQLError.unsupported("FOR SYSTEM_TIME AS OF must name the event-time column of the left input", at: asOf.span)
                }
                guard let versioned = right.plan.versionedTable, !rightKeys.isEmpty, Set(versioned.key).isSubset(of: Set(rightKeys)) else {
                    throw SQLError.unsupported(
                        "a temporal join needs a versioned table on the right, joined on its whole key: a TABLE with a PRIMARY KEY and a WATERMARK, or a view deduplicating it by event time (ROW_NUMBER() OVER (PARTITION BY key ORDER BY time DESC) = 1)",
                        at: join.right.span)
                }
                strategy = .temporal
                joinLeftTime = leftTime
                joinRightTime = versioned.time
            }
        } else if let bounds = try intervalBounds(join, conjuncts: &rest, width: width, leftTime: leftTime, rightTime: rightTime) {
            guard left.plan.appendOnly, right.plan.appendOnly else {
                throw SQLError.unsupported("an interval join needs two append-only inputs", at: join.span)
            }
            strategy = .interval(lower: bounds.lower, upper: bounds.upper)
            joinLeftTime = leftTime
            joinRightTime = rightTime
        } else if let lw = left.plan.windowColumns, let rw = right.plan.windowColumns, left.plan.appendOnly, right.plan.appendOnly,
                  zip(leftKeys, rightKeys).contains(where: { $0 == (lw.start, rw.start) }),
                  zip(leftKeys, rightKeys).contains(where: { $0 == (lw.end, rw.end) }) {
            strategy = .window
            joinLeftTime = lw.end
            joinRightTime = rw.end
        } else if left.plan.appendOnly, let key = right.plan.upsertKey, !key.isEmpty, Set(key).isSubset(of: Set(rightKeys)),
                  kind == .inner || kind == .left {
            strategy = .streamTable
        }
        let residual = rest.isEmpty ? nil : rest.dropFirst().reduce(rest[0]) { .call(.and, [$0, $1], .boolean) }
        var node = StreamPlan.Join(
            left: left.plan, right: right.plan, kind: kind, strategy: strategy, leftKeys: leftKeys, rightKeys: rightKeys,
            residual: residual, leftTime: joinLeftTime, rightTime: joinRightTime,
            stateTTLMillis: strategy == .regular ? stateTTLMillis : nil)
        if let within = join.within, case .interval = strategy {
            // ksqlDB: without GRACE PERIOD, rows join up to a day late and unmatched rows of an
            // outer side come out at once; with one, they wait for the window and grace to pass.
            if let grace = within.grace {
                guard let millis = grace.milliseconds, millis >= 0 else {
                    throw SQLError(.invalidParameterValue, "GRACE PERIOD must be a non-negative duration", at: grace.span)
                }
                node.graceMillis = millis
            } else {
                node.graceMillis = ksqlDefaultGraceMillis
                node.emitsUnmatchedOnArrival = true
            }
        }
        let plan = StreamPlan.join(node)
        var scope = combined
        for i in scope.columns.indices { scope.columns[i].isEventTime = i == plan.eventTimeColumn }
        return Input(plan: plan, scope: scope, window: nil)
    }

    /// `USING (c, ...)`: `left.c = right.c` for each column. The copy a row may lack (the right
    /// side's; the left side's in a RIGHT JOIN) is then reached only by its qualified name, so that
    /// `c` and `*` show the column once, as in Postgres.
    private func usingConjuncts(_ join: Join, combined: inout Scope, leftWidth: Int) throws(SQLError) -> [BoundExpr] {
        if join.kind == .full {
            throw SQLError.unsupported("FULL JOIN ... USING is not supported; join ON the columns", at: join.span)
        }
        let leftScope = Scope(columns: Array(combined.columns[..<leftWidth]))
        let rightScope = Scope(columns: Array(combined.columns[leftWidth...]))
        var conjuncts: [BoundExpr] = []
        for name in join.using {
            let leftColumn = try leftScope.resolve(ColumnReference([name]))
            let rightColumn = try rightScope.resolve(ColumnReference([name])) + leftWidth
            // The two columns under names no query can write, bound as `l = r` for the usual coercions.
            var sides = combined
            sides.columns[leftColumn].qualifiers.insert("\u{0}l")
            sides.columns[rightColumn].qualifiers.insert("\u{0}r")
            let equal = Expr.binary(BinaryExpression(
                left: .column(ColumnReference([Identifier("\u{0}l", span: name.span), name])), op: .equal,
                right: .column(ColumnReference([Identifier("\u{0}r", span: name.span), name])), span: name.span))
            conjuncts.append(try scalarBinder(for: sides, clause: "USING").bind(equal))
            combined.columns[join.kind == .right ? leftColumn : rightColumn].qualifiedOnly = true
        }
        return conjuncts
    }

    /// A window table function joined directly: its rows, once per window, with the window columns.
    func materializedWindow(_ input: Input) throws(SQLError) -> Input {
        guard let window = input.window else { return input }
        if case .session = window.kind {
            throw SQLError.unsupported("SESSION windows cannot be joined; aggregate them first", at: window.span)
        }
        if window.processingTime {
            // As in Flink: a window join pairs windows by event time, which processing time does not replay.
            throw SQLError.unsupported("processing-time windows cannot be joined; window on an event-time column", at: window.span)
        }
        var input = input
        input.plan = .windowTable(.init(input: input.plan, window: window.spec()))
        input.window = nil
        return input
    }

    /// The interval `lower ≤ leftTime − rightTime ≤ upper` written as ksqlDB `WITHIN` or as a pair
    /// of comparisons between the two event-time columns; the comparisons used are removed.
    private func intervalBounds(
        _ join: Join, conjuncts: inout [BoundExpr], width: Int, leftTime: Int?, rightTime: Int?
    ) throws(SQLError) -> (lower: Int64, upper: Int64)? {
        if let within = join.within {
            guard leftTime != nil, rightTime != nil else {
                throw SQLError(.datatypeMismatch, "WITHIN needs event time on both sides: declare TIMESTAMP or a WATERMARK", at: within.span)
            }
            guard let before = within.before.milliseconds, let after = (within.after ?? within.before).milliseconds else {
                throw SQLError(.invalidParameterValue, "WITHIN is too large", at: within.span)
            }
            // ksqlDB: the right row may be up to `before` earlier and `after` later than the left row.
            return (-after, before)
        }
        guard let leftTime, let rightTime else { return nil }
        var lower: Int64?
        var upper: Int64?
        var used: [Int] = []
        for (index, conjunct) in conjuncts.enumerated() {
            guard case .call(let function, let args, _) = conjunct,
                  [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(function),
                  let x = Self.timeTerm(args[0]), let y = Self.timeTerm(args[1])
            else { continue }
            // x op y, with x = column + ox, y = column + oy; normalize to (left − right) op' k.
            var op = function
            let k: Int64
            if x.column == leftTime, y.column == rightTime + width {
                k = y.offset - x.offset
            } else if x.column == rightTime + width, y.column == leftTime {
                k = x.offset - y.offset
                op = [.less: .greater, .lessOrEqual: .greaterOrEqual, .greater: .less, .greaterOrEqual: .lessOrEqual][op]!
            } else {
                continue
            }
            switch op {
            case .greaterOrEqual: lower = max(lower ?? k, k)
            case .greater: lower = max(lower ?? (k + 1), k + 1)
            case .lessOrEqual: upper = min(upper ?? k, k)
            default: upper = min(upper ?? (k - 1), k - 1)
            }
            used.append(index)
        }
        guard let lower, let upper else { return nil }
        guard lower <= upper else {
            throw SQLError(.invalidParameterValue, "the join's time bounds leave no interval for rows to match", at: join.condition?.span ?? join.span)
        }
        for index in used.reversed() { conjuncts.remove(at: index) }
        return (lower, upper)
    }

    /// `column + constant interval` (or just `column`) over a timestamp.
    private static func timeTerm(_ expr: BoundExpr) -> (column: Int, offset: Int64)? {
        switch expr {
        case .column(let index, let type) where type.isTimestamp:
            return (index, 0)
        case .cast(let inner, let type) where type.isTimestamp:
            return timeTerm(inner)
        case .call(.timestampAddInterval, let args, _):
            guard let base = timeTerm(args[0]), let amount = constantMillis(args[1]) else { return nil }
            return (base.column, base.offset + amount)
        default:
            return nil
        }
    }

    private static func constantMillis(_ expr: BoundExpr) -> Int64? {
        switch expr {
        case .literal(.interval(let ms), _): return ms
        case .call(.negate, let args, _): return constantMillis(args[0]).map { -$0 }
        case .cast(let inner, _): return constantMillis(inner)
        default: return nil
        }
    }

    /// The conjuncts of a join condition that are equal keys (a left column = a right column of
    /// the same kind of value), as left and right column indexes, and the others.
    static func joinKeys(of conjuncts: [BoundExpr], leftWidth width: Int, columns: [Scope.Column])
        -> (left: [Int], right: [Int], rest: [BoundExpr])
    {
        var leftKeys: [Int] = []
        var rightKeys: [Int] = []
        var rest: [BoundExpr] = []
        for conjunct in conjuncts {
            if case .call(.equal, let args, _) = conjunct, let a = args[0].unwrappedColumn, let b = args[1].unwrappedColumn {
                let (l, r) = a < width ? (a, b) : (b, a)
                if l < width, r >= width, Self.sameKeyDomain(columns[l].type, columns[r].type) {
                    leftKeys.append(l)
                    rightKeys.append(r - width)
                    continue
                }
            }
            rest.append(conjunct)
        }
        return (leftKeys, rightKeys, rest)
    }

    static func conjuncts(of expr: BoundExpr) -> [BoundExpr] {
        if case .call(.and, let args, _) = expr { return args.flatMap { conjuncts(of: $0) } }
        return [expr]
    }

    /// Whether values of the two types are equal exactly when their stored values are.
    private static func sameKeyDomain(_ a: SQLType, _ b: SQLType) -> Bool {
        a == b || (a.isInteger && b.isInteger) || (a.isTimestamp && b.isTimestamp)
    }
}
