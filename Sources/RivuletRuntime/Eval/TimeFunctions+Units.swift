import RivuletCore
import RivuletPlanner

/// Calendar units: FLOOR/CEIL(ts TO unit), TIMESTAMPADD, TIMESTAMPDIFF, and conversions between
/// epoch seconds, text and dates (UNIX_TIMESTAMP, FROM_UNIXTIME, TO_DATE), all in UTC.
extension TimeFunctions {
    static func compileUnitFunction(_ function: ScalarFunction, _ args: [CompiledNode], type: SQLType) throws(SQLError) -> CompiledNode {
        switch function {
        case .floorTime, .ceilTime:
            guard args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
            let unit = try self.unit(args[0], in: function == .floorTime ? "FLOOR" : "CEIL")
            let up = function == .ceilTime
            return perRow([args[1]], type: type) { (v: [Int64]) throws(SQLError) -> Int64 in
                let down = floor(v[0], to: unit)
                return up && down != v[0] ? try add(unit, 1, to: down) : down
            }
        case .timestampAdd:
            guard args.count == 3 else { throw ArithmeticKernels.arity(function, args.count) }
            let unit = try self.unit(args[0], in: "TIMESTAMPADD")
            return perRow([args[1], args[2]], type: type) { (v: [Int64]) throws(SQLError) -> Int64 in try add(unit, v[0], to: v[1]) }
        case .timestampDiff:
            guard args.count == 3 else { throw ArithmeticKernels.arity(function, args.count) }
            let unit = try self.unit(args[0], in: "TIMESTAMPDIFF")
            return perRow([args[1], args[2]], type: type) { (v: [Int64]) throws(SQLError) -> Int64 in
                let difference = unitsBetween(v[0], v[1], unit)
                guard let fits = Int32(exactly: difference) else {
                    throw SQLError(.numericValueOutOfRange, "TIMESTAMPDIFF: \(difference) does not fit an INT")
                }
                return Int64(fits)
            }
        case .unixTimestamp:
            if args.count == 1, args[0].type.isTimestamp {
                return perRow(args, type: type) { (v: [Int64]) throws(SQLError) -> Int64 in floorDivide(v[0], 1000) }
            }
            let format = args.count == 2 ? args[1] : CompiledNode.literal(.string("yyyy-MM-dd HH:mm:ss"), .varchar)
            // Flink answers text that does not match the format with the smallest BIGINT.
            return try parsed(args[0], format, type: type) { pattern, text in
                pattern.parse(text).map { floorDivide($0, 1000) } ?? Int64.min
            }
        case .toDate:
            guard args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
            return try parsed(args[0], args[1], type: type) { pattern, text in
                pattern.parse(text, allowingTrailingText: true).map { floorDivide($0, 86_400_000) }
            }
        case .fromUnixtime:
            let seconds = args[0]
            let millis = CompiledNode(type: .timestamp3, children: [seconds], mayThrow: true) { input throws(SQLError) in
                let column = try seconds.run(input)
                var out = [Int64](repeating: 0, count: column.count)
                for i in 0..<column.count where !column.isNull(i) {
                    let (ms, overflow) = column.ints[i].multipliedReportingOverflow(by: 1000)
                    if overflow { throw SQLError(.numericValueOutOfRange, "FROM_UNIXTIME: \(column.ints[i]) seconds is out of range") }
                    out[i] = ms
                }
                return Column(ints: out, kind: .int64, validity: column.validity)
            }
            let format = args.count == 2 ? args[1] : CompiledNode.literal(.string("yyyy-MM-dd HH:mm:ss"), .varchar)
            return try dateFormat(millis, format)
        default:
            throw SQLError.internal("\(function) is not a time unit function")
        }
    }

    private static func unit(_ node: CompiledNode, in function: String) throws(SQLError) -> DateTimeUnit {
        guard case .string(let name)? = node.constant, let unit = DateTimeUnit(rawValue: name) else {
            throw SQLError(.invalidParameterValue, "\(function) needs a unit such as DAY or HOUR, not \(node.constant?.description ?? "an expression")")
        }
        return unit
    }

    /// The units of calendar arithmetic.
    enum DateTimeUnit: String {
        case year = "YEAR", quarter = "QUARTER", month = "MONTH", week = "WEEK", day = "DAY", hour = "HOUR"
        case minute = "MINUTE", second = "SECOND", millisecond = "MILLISECOND"

        /// Months for the calendar units, nil for the fixed-length ones.
        var months: Int64? {
            switch self {
            case .year: return 12
            case .quarter: return 3
            case .month: return 1
            default: return nil
            }
        }

        var milliseconds: Int64 {
            switch self {
            case .week: return 7 * 86_400_000
            case .day: return 86_400_000
            case .hour: return 3_600_000
            case .minute: return 60_000
            case .second: return 1000
            default: return 1
            }
        }
    }

    /// The start of the unit `ms` falls in; weeks start on Sunday, as Flink's.
    static func floor(_ ms: Int64, to unit: DateTimeUnit) -> Int64 {
        if let months = unit.months {
            let t = CivilTime(millis: ms)
            let month = (t.month - 1) / months * months + 1
            return TimeFormat.days(year: t.year, month: month, day: 1) * 86_400_000
        }
        if unit == .week {
            let days = floorDivide(ms, 86_400_000)
            return (days - floorModulo(days + 4, 7)) * 86_400_000  // 1970-01-01 was a Thursday
        }
        return ms - floorModulo(ms, unit.milliseconds)
    }

    /// `ms` moved by `count` units; months keep the day, clamped to the month's length.
    static func add(_ unit: DateTimeUnit, _ count: Int64, to ms: Int64) throws(SQLError) -> Int64 {
        if let months = unit.months {
            let (total, overflow) = count.multipliedReportingOverflow(by: months)
            guard !overflow, abs(total) < 12 * 1_000_000 else { throw outOfRange(unit, count) }
            return addMonths(ms, total, isDate: false)
        }
        let (delta, overflow) = count.multipliedReportingOverflow(by: unit.milliseconds)
        let (sum, overflowSum) = ms.addingReportingOverflow(delta)
        guard !overflow, !overflowSum else { throw outOfRange(unit, count) }
        return sum
    }

    private static func outOfRange(_ unit: DateTimeUnit, _ count: Int64) -> SQLError {
        SQLError(.numericValueOutOfRange, "timestamp out of range: adding \(count) \(unit.rawValue)")
    }

    /// Whole units from `from` to `to`, toward zero. Calendar units count months: a month has
    /// passed when the same day of month (or the month's last day) and time of day is reached.
    static func unitsBetween(_ from: Int64, _ to: Int64, _ unit: DateTimeUnit) -> Int64 {
        guard let months = unit.months else {
            let (difference, overflow) = to.subtractingReportingOverflow(from)
            return overflow ? Int64.max : difference / unit.milliseconds
        }
        if to < from { return -unitsBetween(to, from, unit) }
        let a = CivilTime(millis: from), b = CivilTime(millis: to)
        var total = (b.year - a.year) * 12 + (b.month - a.month)
        if total > 0, addMonths(from, total, isDate: false) > to { total -= 1 }
        return total / months
    }

    /// A kernel over BIGINT-laid-out arguments, NULL when any is NULL; `row` may fail.
    private static func perRow(
        _ args: [CompiledNode], type: SQLType, _ row: @escaping @Sendable ([Int64]) throws(SQLError) -> Int64
    ) -> CompiledNode {
        CompiledNode(type: type, children: args, mayThrow: true) { input throws(SQLError) in
            let cols = try args.map { arg throws(SQLError) in try arg.run(input) }
            let validity = Validity.and(cols.map(\.validity))
            var out = [Int64](repeating: 0, count: input.count)
            for i in 0..<input.count where validity?.isValid(i) ?? true {
                out[i] = try row(cols.map { $0.ints[i] })
            }
            return Column(ints: out, kind: .int64, validity: validity)
        }
    }

    /// Text read with a format (constant or per row); `row` gives nil for NULL.
    private static func parsed(
        _ text: CompiledNode, _ format: CompiledNode, type: SQLType,
        _ row: @escaping @Sendable (DateTimePattern, UnsafeBufferPointer<UInt8>) -> Int64?
    ) throws(SQLError) -> CompiledNode {
        let fixed = try constantPattern(format)
        return CompiledNode(type: type, children: [text, format]) { input throws(SQLError) in
            let column = try text.run(input)
            let formats = fixed == nil ? try format.run(input) : nil
            var cache = PatternCache()
            var nulls: [Int] = []
            var out = [Int64](repeating: 0, count: column.count)
            for i in 0..<column.count where !column.isNull(i) {
                guard let pattern = fixed ?? formats.flatMap({ cache.pattern(row: i, $0) }),
                    let value = column.strings.withBytes(i, { row(pattern, $0) })
                else {
                    nulls.append(i)
                    continue
                }
                out[i] = value
            }
            let validity = Validity.and(column.validity, formats?.validity)
            return Column(ints: out, kind: .int64, validity: nulls.isEmpty ? validity : Validity.clearing(nulls, in: validity, count: column.count))
        }
    }
}
