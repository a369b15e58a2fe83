public import RivuletCore
public import RivuletPlanner

/// `MATCH_RECOGNIZE` on event time, as Flink runs it. Rows wait per partition until the
/// watermark passes them, then go through the pattern one at a time in event-time order (equal
/// times in arrival order); a row at or below the watermark it arrives under is late: dropped
/// and counted.
///
/// Matching keeps a list of partial matches per partition, each at one pattern variable with
/// how many rows it has taken there. A row extends each partial match every way the pattern
/// allows (and may start a new one): it is taken by the current variable if that has room and
/// the row meets its DEFINE condition, or the partial match moves on to the next variable once
/// the current one has its minimum. A greedy variable (`*`, `+`, `{n,}`, `{n,m}`) whose
/// condition the row meets does not move on, even once full; a reluctant one, `?` and `{n}`
/// take both ways. A partial match that can take the row in no way ends.
///
/// A partial match that completes the pattern is a match. As in Flink, a match waits while a
/// partial match that started earlier is alive (that one, if it completes, comes first); each
/// match emitted prunes the partial and waiting matches its AFTER MATCH SKIP strategy rules out.
/// With WITHIN, a partial match whose first row is `within` or more before a row ends, and so
/// does one `within` or more before the watermark once its partition has run the rows that
/// watermark let through.
public final class PatternRecognition: StreamOperator {
    private typealias Plan = StreamPlan.MatchRecognize

    private struct Row {
        var time: Int64
        /// Arrival order, across partitions.
        var sequence: Int64
        var values: [Value]
    }

    /// A row of a (partial) match and the variable it was mapped to.
    private struct Taken {
        var row: Row
        var element: Int
        /// Position of the row in its partition's event-time order.
        var index: Int64
    }

    private struct Partial {
        /// The variable the next row may be taken by (or move on from).
        var element: Int
        /// Rows taken by `element` so far.
        var count: Int
        var taken: [Taken]

        var start: Taken { taken[0] }
    }

    private final class Partition {
        /// Rows waiting for the watermark, in arrival order.
        var pending: [Row] = []
        /// In order of their first row.
        var partials: [Partial] = []
        /// Matches waiting for an earlier partial match, in order of their first row.
        var completed: [Partial] = []
        /// Rows processed so far.
        var processed: Int64 = 0

        var isIdle: Bool { pending.isEmpty && partials.isEmpty && completed.isEmpty }
    }

    private let plan: Plan
    private let inputTypes: [SQLType]
    private let outputTypes: [SQLType]
    private let conditions: [CompiledExpression?]
    private let measures: [CompiledExpression]
    private let arguments: [CompiledExpression?]
    private let aggregates: [AggregateSlots?]
    private let navigationTypes: [SQLType]
    /// Per condition and for the measures, the navigations they read.
    private let conditionReads: [[Int]]
    private let measureReads: [Int]
    private var partitions: [[Value]: Partition] = [:]
    private var watermark = Watermark.none
    private var sequence: Int64 = 0
    private var pendingCount = 0
    private let late = LateRowCounter()
    public var lateRowCounter: LateRowCounter? { late }

    public init(_ plan: StreamPlan.MatchRecognize) throws(SQLError) {
        guard plan.input.appendOnly else {
            throw SQLError.unsupported("MATCH_RECOGNIZE over a changelog (updating) input is not supported")
        }
        self.plan = plan
        inputTypes = plan.input.schema.types
        outputTypes = plan.schema.types
        conditions = try plan.conditions.map { (c: BoundExpr?) throws(SQLError) in try c.map { (e: BoundExpr) throws(SQLError) in try ExpressionCompiler.compile(e) } }
        measures = try plan.measures.map { (e: BoundExpr) throws(SQLError) in try ExpressionCompiler.compile(e) }
        arguments = try plan.navigations.map { (n: Plan.Navigation) throws(SQLError) in
            try n.argument.map { (e: BoundExpr) throws(SQLError) in try ExpressionCompiler.compile(e) }
        }
        var aggregates: [AggregateSlots?] = []
        for navigation in plan.navigations {
            guard case .aggregate(let call) = navigation.kind else { aggregates.append(nil); continue }
            let argumentType = navigation.argument?.type ?? .bigint
            aggregates.append(try AggregateSlots([call], input: Schema([Field("$0", argumentType)]), retractable: false))
        }
        self.aggregates = aggregates
        navigationTypes = plan.navigations.map { $0.type == .null ? .varchar : $0.type }
        conditionReads = plan.conditions.map { $0.map { Array($0.referencedColumns).sorted() } ?? [] }
        measureReads = Array(Set(plan.measures.flatMap(\.referencedColumns))).sorted()
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { pendingCount + partitions.values.reduce(0) { $0 + $1.partials.count + $1.completed.count } }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let times = batch.columns[plan.timeColumn]
        for row in 0..<batch.count {
            if times.isNull(row) { continue }
            let time = times.ints[row]
            let arrival = batch.arrivalWatermarks?[row] ?? watermark
            if time <= arrival {
                late.drop(batch, row: row, watermark: arrival)
                continue
            }
            let values = batch.row(row, types: inputTypes)
            let key = plan.partitionKeys.map { values[$0] }
            let partition = partitions[key] ?? {
                let created = Partition()
                partitions[key] = created
                return created
            }()
            partition.pending.append(Row(time: time, sequence: sequence, values: values))
            sequence += 1
            pendingCount += 1
        }
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        guard watermark > self.watermark else { return nil }
        self.watermark = watermark
        // Ordered by the row that let a match out (its time, its place in its partition's order,
        // its arrival), then by the match's first row, then in release order.
        var emitted: [(key: (Int64, Int64, Int64, Int64), values: [Value])] = []
        for (key, partition) in partitions {
            let due = partition.pending.filter { $0.time <= watermark }
            guard !due.isEmpty else { continue }
            partition.pending.removeAll { $0.time <= watermark }
            pendingCount -= due.count
            for row in due.sorted(by: precedes) {
                let position = partition.processed
                for match in try advance(partition, with: row) {
                    emitted.append(((row.time, position, row.sequence, match.start.row.sequence), try measure(match, key: key)))
                }
            }
            if let within = plan.withinMillis {
                // As in Flink, a partition that ran rows then ends the partial matches the
                // watermark shows can no longer complete in time, letting out waiting matches.
                partition.partials.removeAll { watermark - within >= $0.start.row.time }
                for match in try release(partition) {
                    emitted.append(((watermark, Int64.max, Int64.max, match.start.row.sequence), try measure(match, key: key)))
                }
            }
            if partition.isIdle { partitions.removeValue(forKey: key) }
        }
        guard !emitted.isEmpty else { return watermark }
        var batch = RowBatch(types: outputTypes)
        let order = emitted.indices.sorted {
            let (a, b) = (emitted[$0].key, emitted[$1].key)
            return (a.0, a.1, a.2, a.3, $0) < (b.0, b.1, b.2, b.3, $1)
        }
        for index in order { batch.appendRow(emitted[index].values) }
        output.emit(batch)
        return watermark
    }

    /// Event-time order, then ORDER BY's other keys, then arrival.
    private func precedes(_ a: Row, _ b: Row) -> Bool {
        if a.time != b.time { return a.time < b.time }
        for key in plan.sortKeys {
            let order = ValueOrder.compare(a.values[key.column], b.values[key.column])
            if order != 0 { return key.ascending ? order < 0 : order > 0 }
        }
        return a.sequence < b.sequence
    }

    // MARK: Matching

    /// Runs one row through the partition's partial matches; the matches it lets out.
    private func advance(_ partition: Partition, with row: Row) throws -> [Partial] {
        let index = partition.processed
        partition.processed += 1
        if let within = plan.withinMillis {
            partition.partials.removeAll { row.time - $0.start.row.time >= within }
        }
        var next: [Partial] = []
        var completed: [Partial] = []
        let starting = Partial(element: 0, count: 0, taken: [])
        for partial in partition.partials + [starting] {
            for (element, count) in try takes(partial, row: row, from: partial.element, count: partial.count) {
                var extended = partial
                extended.taken.append(Taken(row: row, element: element, index: index))
                extended.element = element
                extended.count = count + 1
                if element + 1 == plan.elements.count, extended.count == plan.elements[element].max {
                    completed.append(extended)
                    continue
                }
                next.append(extended)
                if reachesEnd(extended) { completed.append(extended) }
            }
        }
        // Partial matches stay in order of their first row (a new one starts last).
        partition.partials = next.enumerated().sorted { ($0.element.start.index, $0.offset) < ($1.element.start.index, $1.offset) }
            .map(\.element)
        for match in completed {
            let position = partition.completed.firstIndex { $0.start.index > match.start.index } ?? partition.completed.count
            partition.completed.insert(match, at: position)
        }
        return try release(partition)
    }

    /// The (variable, rows taken there so far) states at which `partial` can take `row`,
    /// starting at `element`: its own variable first, then, moving on, the ones after it. A
    /// greedy variable whose condition the row meets does not let it go on, even when full.
    private func takes(_ partial: Partial, row: Row, from element: Int, count: Int) throws -> [(Int, Int)] {
        let spec = plan.elements[element]
        let room = spec.max.map { count < $0 } ?? true
        let movesOn = count >= spec.min && element + 1 < plan.elements.count
        var meets = false
        if room || (spec.greedy && movesOn) { meets = try accepts(row, as: element, after: partial) }
        var result: [(Int, Int)] = []
        if room && meets { result.append((element, count)) }
        if movesOn, !(spec.greedy && meets) {
            result += try takes(partial, row: row, from: element + 1, count: 0)
        }
        return result
    }

    /// Whether the partial match, having just taken a row, is also a complete match: every
    /// variable after the current one may be empty, and none of them (nor the current one) is
    /// a greedy variable with room for more rows.
    private func reachesEnd(_ partial: Partial) -> Bool {
        var element = partial.element
        var count = partial.count
        while true {
            let spec = plan.elements[element]
            if count < spec.min { return false }
            if spec.greedy, spec.max.map({ count < $0 }) ?? true { return false }
            if element + 1 == plan.elements.count { return true }
            element += 1
            count = 0
        }
    }

    /// Emits the waiting matches no earlier partial match holds back, pruning after each.
    private func release(_ partition: Partition) throws -> [Partial] {
        var released: [Partial] = []
        while let match = partition.completed.first {
            if let earliest = partition.partials.first, earliest.start.index < match.start.index { break }
            partition.completed.removeFirst()
            released.append(match)
            let pruned = try pruning(after: match)
            partition.partials.removeAll(where: pruned)
            partition.completed.removeAll(where: pruned)
        }
        return released
    }

    /// Which partial matches the skip strategy rules out once `match` is emitted.
    private func pruning(after match: Partial) throws -> (Partial) -> Bool {
        switch plan.skip {
        case .pastLastRow:
            let last = match.taken.last!.index
            return { $0.start.index <= last }
        case .toNextRow:
            let first = match.start.index
            return { $0.start.index <= first }
        case .toFirst(let element), .toLast(let element):
            let rows = match.taken.filter { $0.element == element }
            let isFirst: Bool
            if case .toFirst = plan.skip { isFirst = true } else { isFirst = false }
            guard let target = isFirst ? rows.first : rows.last else {
                throw SQLError(SQLState("22023"), "AFTER MATCH SKIP: no row of the match is mapped to \(plan.elements[element].name)")
            }
            if target.index == match.start.index {
                throw SQLError(SQLState("22023"), "AFTER MATCH SKIP cannot skip to the first row of a match")
            }
            return { $0.start.index < target.index }
        }
    }

    // MARK: Expressions

    /// Whether `row`, mapped to `element`, meets its DEFINE condition given the rows before it.
    private func accepts(_ row: Row, as element: Int, after partial: Partial) throws -> Bool {
        guard let condition = conditions[element] else { return true }
        let rows = partial.taken + [Taken(row: row, element: element, index: -1)]
        let values = try navigationRow(conditionReads[element], rows: rows)
        return try condition.select(values).count == 1
    }

    /// The output row of a match: its partition key, then its measures.
    private func measure(_ match: Partial, key: [Value]) throws -> [Value] {
        let values = try navigationRow(measureReads, rows: match.taken)
        var result = key
        for measure in measures {
            let column = try measure.evaluate(values)
            result.append(column.value(at: 0, type: measure.type == .null ? .varchar : measure.type))
        }
        return result
    }

    /// A one-row batch holding the navigations `reads` computed over `rows` (the others NULL).
    private func navigationRow(_ reads: [Int], rows: [Taken]) throws -> RowBatch {
        var values = Array(repeating: Value.null, count: plan.navigations.count)
        for index in reads {
            values[index] = try navigate(index, rows: rows)
        }
        var batch = RowBatch(types: navigationTypes)
        batch.appendRow(values)
        return batch
    }

    private func navigate(_ index: Int, rows: [Taken]) throws -> Value {
        let navigation = plan.navigations[index]
        let selected = navigation.variable.map { variable in rows.filter { $0.element == variable } } ?? rows
        switch navigation.kind {
        case .matchRowtime:
            return rows.last.map { .timestamp($0.row.time) } ?? .null
        case .last(let offset):
            guard offset < selected.count else { return .null }
            return try argument(index, of: selected[selected.count - 1 - offset].row)
        case .first(let offset):
            guard offset < selected.count else { return .null }
            return try argument(index, of: selected[offset].row)
        case .aggregate:
            let slots = aggregates[index]!
            var input = RowBatch(types: [navigation.argument?.type ?? .bigint])
            for taken in selected { input.appendRow([navigation.argument == nil ? .int(1) : try argument(index, of: taken.row)]) }
            let slot = slots.allocate()
            defer { slots.free(slot) }
            slots.accumulate(input, rows: (0..<Int32(selected.count)).map { $0 }, slots: Array(repeating: slot, count: selected.count))
            var columns = [Column(type: navigation.type)]
            slots.appendResults(slot, into: &columns, at: 0)
            return columns[0].value(at: 0, type: navigation.type)
        }
    }

    private func argument(_ index: Int, of row: Row) throws -> Value {
        guard let expression = arguments[index] else { return .null }
        var batch = RowBatch(types: inputTypes)
        batch.appendRow(row.values)
        let column = try expression.evaluate(batch)
        return column.value(at: 0, type: expression.type == .null ? .varchar : expression.type)
    }

    // MARK: Checkpoints

    public var stateFormat: StateFormat { StateFormat(kind: "match-recognize", version: 1) }

    /// The watermark, counters, then per partition its key, waiting rows, partial matches and
    /// waiting matches.
    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(watermark)
        writer.write(sequence)
        writer.write(late.count)
        writer.write(partitions.count)
        for (key, partition) in partitions {
            writer.write(row: key)
            writer.write(partition.processed)
            writer.write(partition.pending.count)
            for row in partition.pending { write(row, into: &writer) }
            for list in [partition.partials, partition.completed] {
                writer.write(list.count)
                for partial in list {
                    writer.write(partial.element)
                    writer.write(partial.count)
                    writer.write(partial.taken.count)
                    for taken in partial.taken {
                        write(taken.row, into: &writer)
                        writer.write(taken.element)
                        writer.write(taken.index)
                    }
                }
            }
        }
    }

    public func restore(from reader: inout StateReader) throws {
        watermark = try reader.readInt64()
        sequence = try reader.readInt64()
        late.restore(count: try reader.readInt())
        for _ in 0..<(try reader.readCount()) {
            let key = try reader.readRow()
            let partition = Partition()
            partition.processed = try reader.readInt64()
            for _ in 0..<(try reader.readCount()) { partition.pending.append(try readRow(from: &reader)) }
            pendingCount += partition.pending.count
            var lists: [[Partial]] = []
            for _ in 0..<2 {
                var list: [Partial] = []
                for _ in 0..<(try reader.readCount()) {
                    var partial = Partial(element: try reader.readInt(), count: try reader.readInt(), taken: [])
                    for _ in 0..<(try reader.readCount()) {
                        let row = try readRow(from: &reader)
                        partial.taken.append(Taken(row: row, element: try reader.readInt(), index: try reader.readInt64()))
                    }
                    list.append(partial)
                }
                lists.append(list)
            }
            partition.partials = lists[0]
            partition.completed = lists[1]
            partitions[key] = partition
        }
    }

    private func write(_ row: Row, into writer: inout StateWriter) {
        writer.write(row.time)
        writer.write(row.sequence)
        writer.write(row: row.values)
    }

    private func readRow(from reader: inout StateReader) throws -> Row {
        Row(time: try reader.readInt64(), sequence: try reader.readInt64(), values: try reader.readRow())
    }
}
