import RivuletCore
import RivuletPlanner

/// The state of one aggregate function across every group slot of an operator, kept in flat
/// typed arrays indexed by slot so one batch updates them in one tight loop.
///
/// Contract: `grow(to:)` runs before any slot below the new count is used, and a slot is
/// `reset` before it is reused. `accumulate` adds row `rows[i]` of `batch` into slot `slots[i]`
/// with multiplicity `signs[i]` (+1 or −1; all +1 when nil), skipping rows whose FILTER column is
/// not TRUE and NULL arguments. `merge` folds slot `source` into `target` (sessions, slices).
/// `appendResult` appends the slot's current value, typed `resultType`, to `column`.
protocol Accumulator: AnyObject {
    var resultType: SQLType { get }
    func grow(to slotCount: Int)
    func reset(_ slot: Int)
    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?)
    func merge(from source: Int, into target: Int)
    func appendResult(_ slot: Int, into column: inout Column)
    /// Appends the results of `slots`, in order (what `appendResult` does for each).
    func appendResults(_ slots: [Int32], into column: inout Column)
    /// Writes slot `slot`'s state to a checkpoint.
    func save(_ slot: Int, into writer: inout StateWriter)
    /// Reads a state written by `save` into slot `slot`, which is reset.
    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError)
}

extension Accumulator {
    func appendResults(_ slots: [Int32], into column: inout Column) {
        for slot in slots { appendResult(Int(slot), into: &column) }
    }
}

/// Builds the accumulator for one `AggregateCall` over an input schema.
enum AccumulatorFactory {
    /// - Parameter retractable: whether input rows may be retracted (MIN/MAX then keep every
    ///   value with its count instead of only the current extreme).
    static func make(_ call: AggregateCall, input: Schema, retractable: Bool) throws(SQLError) -> any Accumulator {
        let argument = try columnIndex(call.argument, input: input, what: "argument")
        let filter = try columnIndex(call.filter, input: input, what: "FILTER")
        let argType = argument.map { input[$0].type } ?? .bigint
        if call.kind == .countStar {
            return CountAccumulator(argument: nil, filter: filter)
        }
        guard let argument else {
            throw SQLError.internal("\(call) needs an argument")
        }
        if case .collect(let distinct, let limit) = call.kind {
            return CollectAccumulator(
                argument: argument, filter: filter, distinct: distinct, respectNulls: true, resultType: call.type,
                orderedBy: call.orderBy, argumentType: argType, limit: limit)
        }
        if case .top(let count, let distinct) = call.kind {
            return CollectAccumulator(
                argument: argument, filter: filter, distinct: distinct, respectNulls: false, resultType: call.type, argumentType: argType,
                greatest: count)
        }
        if call.kind == .histogram {
            return CollectAccumulator(
                argument: argument, filter: filter, distinct: true, respectNulls: false, resultType: call.type, argumentType: argType)
        }
        if case .multiset(let distinct) = call.kind {
            return CollectAccumulator(
                argument: argument, filter: filter, distinct: true, respectNulls: false, resultType: call.type, argumentType: argType,
                multiset: distinct ? .eachOnce : .counted)
        }
        if case .statistic(let statistic, let bySums) = call.kind, !call.distinct {
            guard argType.isInteger || argType == .double else {
                throw SQLError(.datatypeMismatch, "\(call): \(statistic.rawValue) of \(argType) is not supported (INT, BIGINT or DOUBLE)")
            }
            return VarianceAccumulator(argument: argument, filter: filter, statistic: statistic, bySums: bySums, resultType: call.type)
        }
        if call.distinct, call.kind != .min, call.kind != .max {
            guard call.kind == .count else {
                throw SQLError.unsupported("\(call): DISTINCT is supported for COUNT, MIN and MAX only")
            }
            switch argType.physical {
            case .bool, .int64:
                return DistinctCountAccumulator<Int64>(argument: argument, filter: filter) { $0.ints[$1] }
            case .int128:
                return DistinctCountAccumulator<Int128>(argument: argument, filter: filter) { $0.wides[$1] }
            case .double:
                return DistinctCountAccumulator<UInt64>(argument: argument, filter: filter) { column, row in
                    let d = column.doubles[row]
                    return d == 0 ? 0 : d.bitPattern  // -0.0 and 0.0 are one value
                }
            case .bytes:
                return DistinctCountAccumulator<ByteString>(argument: argument, filter: filter) {
                    ByteString(bytes: $0.bytes(at: $1))
                }
            case .list, .struct:
                return DistinctCountAccumulator<ByteString>(argument: argument, filter: filter) { column, row in
                    var key: [UInt8] = []
                    column.appendKeyBytes(row, to: &key)
                    return ByteString(bytes: key)
                }
            }
        }
        switch call.kind {
        case .countStar, .count:
            return CountAccumulator(argument: argument, filter: filter)
        case .sum, .avg:
            let isAverage = call.kind == .avg
            if case .decimal = argType, case .decimal = call.type {
                return DecimalSumAccumulator(
                    argument: argument, filter: filter, average: isAverage, argumentScale: argType.decimalScale, resultType: call.type)
            }
            switch argType.physical {
            case .double:
                return DoubleSumAccumulator(argument: argument, filter: filter, average: isAverage, resultType: call.type)
            case .int64, .bool:
                return IntegerSumAccumulator(argument: argument, filter: filter, average: isAverage, resultType: call.type)
            case .int128, .bytes, .list, .struct:
                throw SQLError(.datatypeMismatch, "\(call): cannot sum \(argType)")
            }
        case .min, .max:
            let isMax = call.kind == .max
            // DECIMALs of more than 18 digits keep their values counted even without retractions:
            // rare enough not to need an accumulator of their own.
            if retractable || argType.physical == .int128 {
                return try makeRetractableExtreme(argument: argument, filter: filter, isMax: isMax, type: argType)
            }
            switch argType.physical {
            case .int64, .bool:
                return IntegerExtremeAccumulator(argument: argument, filter: filter, isMax: isMax, resultType: argType)
            case .double:
                return DoubleExtremeAccumulator(argument: argument, filter: filter, isMax: isMax, resultType: argType)
            case .bytes:
                return BytesExtremeAccumulator(argument: argument, filter: filter, isMax: isMax, resultType: argType)
            case .int128, .list, .struct:
                throw SQLError(.datatypeMismatch, "\(call): \(argType) has no order")
            }
        case .approxQuantile(let q):
            guard argType.isNumeric || argType.isTimestamp else {
                throw SQLError(.datatypeMismatch, "\(call): quantile of \(argType) is not supported")
            }
            guard q >= 0, q <= 1 else {
                throw SQLError(.invalidParameterValue, "\(call): the quantile must be between 0 and 1")
            }
            return QuantileAccumulator(argument: argument, filter: filter, quantile: q, argumentType: argType, resultType: call.type)
        case .latestByOffset(let ignoreNulls, let count), .earliestByOffset(let ignoreNulls, let count):
            if retractable {
                throw SQLError.unsupported("\(call) over a changelog: a retracted row cannot be taken back from it; aggregate a stream")
            }
            let latest = if case .latestByOffset = call.kind { true } else { false }
            if let count {
                return ArrivalOrderListAccumulator(
                    argument: argument, filter: filter, latest: latest, ignoreNulls: ignoreNulls, count: count, elementType: argType,
                    resultType: call.type)
            }
            return ArrivalOrderAccumulator(argument: argument, filter: filter, latest: latest, ignoreNulls: ignoreNulls, resultType: argType)
        case .collect, .histogram, .multiset, .top, .statistic:
            throw SQLError.internal("\(call) is built above")
        }
    }

    private static func makeRetractableExtreme(argument: Int, filter: Int?, isMax: Bool, type: SQLType) throws(SQLError) -> any Accumulator {
        switch type.physical {
        case .int64, .bool:
            return RetractableExtremeAccumulator<Int64>(
                argument: argument, filter: filter, isMax: isMax, resultType: type,
                read: { $0.ints[$1] }, write: { $1.appendInt($0) })
        case .int128:
            return RetractableExtremeAccumulator<Int128>(
                argument: argument, filter: filter, isMax: isMax, resultType: type,
                read: { $0.wides[$1] }, write: { $1.appendUnscaled($0) })
        case .double:
            return RetractableExtremeAccumulator<Double>(
                argument: argument, filter: filter, isMax: isMax, resultType: type,
                read: { $0.doubles[$1] }, write: { $1.appendDouble($0) })
        case .bytes:
            return RetractableExtremeAccumulator<ByteString>(
                argument: argument, filter: filter, isMax: isMax, resultType: type,
                read: { ByteString(bytes: $0.bytes(at: $1)) }, write: { $1.appendBytes($0.bytes) })
        case .list, .struct:
            throw SQLError(.datatypeMismatch, "\(isMax ? "MAX" : "MIN") of \(type): it has no order")
        }
    }

    private static func columnIndex(_ expr: BoundExpr?, input: Schema, what: String) throws(SQLError) -> Int? {
        guard let expr else { return nil }
        guard case .column(let index, _) = expr, index >= 0, index < input.count else {
            throw SQLError.internal("aggregate \(what) must be a column reference, got \(expr)")
        }
        return index
    }
}
