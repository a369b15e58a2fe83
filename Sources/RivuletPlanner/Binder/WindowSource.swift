public import RivuletCore
import RivuletSQL

/// A window a grouped query aggregates over, before its columns are laid out.
struct WindowSource {
    var kind: WindowSpec.Kind
    /// The time column, as an index into the input scope.
    var timeColumn: Int
    var grace: Int64
    var dialect: WindowSpec.Dialect
    /// `SESSION(TABLE t PARTITION BY k, ...)`'s keys, as indexes into the input scope.
    var partitionKeys: [Int] = []
    /// Whether `timeColumn` is a processing-time attribute rather than event time.
    var processingTime = false
    /// Where the window came from, for errors.
    var span: SourceSpan

    /// The window as a plan states it, over `timeColumn` (the input's column by default).
    func spec(timeColumn: Int? = nil) -> WindowSpec {
        WindowSpec(kind: kind, timeColumn: timeColumn ?? self.timeColumn, grace: grace, dialect: dialect, processingTime: processingTime)
    }
}

/// ksqlDB's documented default grace period when `GRACE PERIOD` is omitted.
let ksqlDefaultGraceMillis: Int64 = 24 * 3_600_000

extension QueryBinder {
    /// `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size))` and its siblings: the input plus the three
    /// virtual columns `window_start`, `window_end`, `window_time`.
    func bindWindowFunction(_ function: WindowTableFunction) throws(SQLError) -> Input {
        var input = try bindNamed(function.table, alias: function.alias)
        let timeColumn = try windowTimeColumn(named: function.timeColumn, in: input.scope)
        func required(_ expr: Expr?, _ what: String) throws(SQLError) -> Int64 {
            guard let expr else {
                throw SQLError(.syntaxError, "\(function.kind.rawValue) needs a \(what)", at: function.span)
            }
            return try intervalMillis(expr, what: what)
        }
        let offset = try function.offset.map { (e: Expr) throws(SQLError) in try intervalMillis(e, what: "offset", allowZero: true) } ?? 0
        let kind: WindowSpec.Kind
        switch function.kind {
        case .tumble:
            kind = .tumble(size: try required(function.size, "size"), offset: offset)
        case .hop:
            let slide = try required(function.slide, "slide")
            let size = try required(function.size, "size")
            guard size % slide == 0 else {
                throw SQLError(.invalidParameterValue, "HOP size must be a whole multiple of the slide", at: function.span)
            }
            kind = .hop(size: size, slide: slide, offset: offset)
        case .cumulate:
            let step = try required(function.step, "step")
            let size = try required(function.size, "size")
            guard size % step == 0 else {
                throw SQLError(.invalidParameterValue, "CUMULATE size must be a whole multiple of the step", at: function.span)
            }
            kind = .cumulate(step: step, size: size, offset: offset)
        case .session:
            kind = .session(gap: try required(function.gap, "gap"))
        }
        let qualifiers = input.scope.columns.first?.qualifiers ?? []
        for name in ["window_start", "window_end", "window_time"] {
            input.scope.columns.append(.init(qualifiers: qualifiers, name: name, type: .timestamp3, isEventTime: false))
        }
        var partitionKeys: [Int] = []
        for key in function.partitionBy {
            guard case .column(let reference) = key else {
                throw SQLError(.syntaxError, "PARTITION BY of \(function.kind.rawValue) takes columns", at: key.span)
            }
            partitionKeys.append(try input.scope.resolve(reference))
        }
        input.window = WindowSource(kind: kind, timeColumn: timeColumn, grace: 0, dialect: .flink, partitionKeys: partitionKeys,
                                    processingTime: input.scope.columns[timeColumn].isProcessingTime, span: function.span)
        return input
    }

    /// ksqlDB's `WINDOW TUMBLING|HOPPING|SESSION (...)` over the input's event time.
    func ksqlWindow(_ window: KsqlWindow, input: Input) throws(SQLError) -> WindowSource {
        guard let timeColumn = input.scope.columns.firstIndex(where: \.isEventTime) else {
            throw SQLError(.datatypeMismatch, "WINDOW needs a stream with event time: declare WATERMARK FOR <column> or WITH (TIMESTAMP = '<column>')",
                           at: window.span)
        }
        func millis(_ duration: DurationLiteral) throws(SQLError) -> Int64 {
            guard let ms = duration.milliseconds, ms > 0 else {
                throw SQLError(.invalidParameterValue, "window durations must be positive", at: duration.span)
            }
            return ms
        }
        let size = try millis(window.size)
        let grace = try window.grace.map { (d: DurationLiteral) throws(SQLError) in
            guard let ms = d.milliseconds, ms >= 0 else {
                throw SQLError(.invalidParameterValue, "GRACE PERIOD must not be negative", at: d.span)
            }
            return ms
        } ?? ksqlDefaultGraceMillis
        let kind: WindowSpec.Kind
        switch window.kind {
        case .tumbling:
            kind = .tumble(size: size, offset: 0)
        case .hopping:
            guard let advance = window.advance else {
                throw SQLError(.syntaxError, "WINDOW HOPPING needs ADVANCE BY", at: window.span)
            }
            let slide = try millis(advance)
            guard size % slide == 0 else {
                throw SQLError(.invalidParameterValue, "HOPPING size must be a whole multiple of ADVANCE BY", at: window.span)
            }
            kind = .hop(size: size, slide: slide, offset: 0)
        case .session:
            kind = .session(gap: size)
        }
        return WindowSource(kind: kind, timeColumn: timeColumn, grace: grace, dialect: .ksql, span: window.span)
    }

    /// Flink's group-window functions in GROUP BY: `TUMBLE(ts, size)`, `HOP(ts, slide, size)`,
    /// `SESSION(ts, gap)`, `CUMULATE(ts, step, size)`.
    func groupWindow(_ call: FunctionCall, input: Input) throws(SQLError) -> WindowSource {
        let name = call.upperName
        let counts = ["TUMBLE": 2, "HOP": 3, "SESSION": 2, "CUMULATE": 3]
        guard let wanted = counts[name], call.arguments.count == wanted || (name == "TUMBLE" && call.arguments.count == 3) else {
            throw SQLError(.undefinedFunction, "\(name) in GROUP BY takes the time column and \(counts[name].map { $0 - 1 } ?? 1) interval(s)",
                           at: call.span)
        }
        guard case .column(let reference) = call.arguments[0] else {
            throw SQLError(.datatypeMismatch, "the first argument of \(name) must be the event-time column", at: call.arguments[0].span)
        }
        let timeColumn = try windowTimeColumn(named: reference.name, in: input.scope, reference: reference)
        let kind: WindowSpec.Kind
        switch name {
        case "TUMBLE":
            let offset = call.arguments.count == 3 ? try intervalMillis(call.arguments[2], what: "offset", allowZero: true) : 0
            kind = .tumble(size: try intervalMillis(call.arguments[1], what: "size"), offset: offset)
        case "HOP":
            let slide = try intervalMillis(call.arguments[1], what: "slide")
            let size = try intervalMillis(call.arguments[2], what: "size")
            guard size % slide == 0 else {
                throw SQLError(.invalidParameterValue, "HOP size must be a whole multiple of the slide", at: call.span)
            }
            kind = .hop(size: size, slide: slide, offset: 0)
        case "CUMULATE":
            let step = try intervalMillis(call.arguments[1], what: "step")
            let size = try intervalMillis(call.arguments[2], what: "size")
            kind = .cumulate(step: step, size: size, offset: 0)
        default:
            kind = .session(gap: try intervalMillis(call.arguments[1], what: "gap"))
        }
        return WindowSource(kind: kind, timeColumn: timeColumn, grace: 0, dialect: .flink,
                            processingTime: input.scope.columns[timeColumn].isProcessingTime, span: call.span)
    }

    /// The column a window is taken over: event time (with a watermark) or processing time (`PROCTIME()`).
    func windowTimeColumn(named name: Identifier, in scope: Scope, reference: ColumnReference? = nil) throws(SQLError) -> Int {
        let index = try scope.resolve(reference ?? ColumnReference([name]))
        guard scope.columns[index].isEventTime || scope.columns[index].isProcessingTime else {
            throw SQLError(.datatypeMismatch,
                           "'\(name.value)' is not a time attribute: windows need a column with a watermark (WATERMARK FOR \(name.value) AS ...) "
                           + "or a processing-time column (\(name.value) AS PROCTIME())",
                           at: name.span)
        }
        return index
    }

    /// A constant day-time interval, in milliseconds.
    func intervalMillis(_ expr: Expr, what: String, allowZero: Bool = false) throws(SQLError) -> Int64 {
        let bound = try ExpressionBinder(resolveColumn: { (reference: ColumnReference) throws(SQLError) -> BoundExpr in
            throw SQLError(.invalidParameterValue, "the window \(what) must be a constant interval", at: reference.span)
        }).bind(expr)
        guard case .literal(.interval(let ms), _) = bound, ms > 0 || (allowZero && ms == 0) else {
            throw SQLError(.invalidParameterValue, "the window \(what) must be a positive INTERVAL, like INTERVAL '10' SECOND", at: expr.span)
        }
        return ms
    }
}
