import RivuletCore
import RivuletPlanner

/// EXTRACT, DATE_FORMAT, TO_TIMESTAMP, CURRENT_TIMESTAMP and timestamp + interval.
/// Timestamps are UTC epoch milliseconds; all calendar math floors, so times before 1970 work.
enum TimeFunctions {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode], type: SQLType) throws(SQLError) -> CompiledNode {
        switch function {
        case .extract:
            guard args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
            return try extract(args[0], args[1], type: type)
        case .dateFormat:
            guard args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
            return try dateFormat(args[0], args[1])
        case .toTimestamp:
            guard args.count == 1 || args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
            return try toTimestamp(args[0], args.count == 2 ? args[1] : nil, type: type)
        case .currentTimestamp, .proctime:
            return CompiledNode(type: type, usesClock: true) { input throws(SQLError) in
                Column(ints: Array(repeating: input.now, count: input.count), kind: .int64)
            }
        case .timestampAddInterval:
            guard args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
            return try addInterval(args[0], args[1], subtract: false, type: type)
        default:
            throw SQLError.internal("\(function) is not a time function")
        }
    }

    // MARK: EXTRACT

    enum Field: String {
        case year = "YEAR", month = "MONTH", day = "DAY", hour = "HOUR", minute = "MINUTE", second = "SECOND"
        case millisecond = "MILLISECOND", dow = "DOW", doy = "DOY", week = "WEEK", quarter = "QUARTER", epoch = "EPOCH"
    }

    static func extract(_ fieldNode: CompiledNode, _ value: CompiledNode, type: SQLType) throws(SQLError) -> CompiledNode {
        guard case .string(let name)? = fieldNode.constant, let field = Field(rawValue: name.uppercased()) else {
            throw SQLError(.invalidParameterValue, "EXTRACT needs a field such as YEAR, MONTH, DAY, HOUR, not \(fieldNode.constant?.description ?? "an expression")")
        }
        let source: CompiledNode
        switch value.type {
        case .timestamp: source = value
        case .date: source = try CastKernels.compile(value, to: .timestamp3)
        case .varchar: source = try CastKernels.compile(value, to: .timestamp3)
        default: throw SQLError(.datatypeMismatch, "cannot EXTRACT from \(value.type)")
        }
        let kind = type.physical == .double ? PhysicalKind.int64 : type.physical
        return CompiledNode(type: type == .double ? .bigint : type, children: [source]) { input throws(SQLError) in
            let column = try source.run(input)
            let values: [Int64]
            switch field {
            case .epoch: values = column.ints.map { floorDivide($0, 1000) }
            case .hour: values = column.ints.map { floorModulo($0, 86_400_000) / 3_600_000 }
            case .minute: values = column.ints.map { floorModulo($0, 3_600_000) / 60_000 }
            case .second: values = column.ints.map { floorModulo($0, 60_000) / 1000 }
            case .millisecond: values = column.ints.map { floorModulo($0, 60_000) }
            case .dow: values = column.ints.map { floorModulo(floorDivide($0, 86_400_000) + 4, 7) + 1 }
            default:
                values = column.ints.map { ms in
                    let t = CivilTime(millis: ms)
                    switch field {
                    case .year: return t.year
                    case .month: return t.month
                    case .day: return t.day
                    case .doy: return t.dayOfYear
                    case .week: return t.isoWeek
                    default: return t.quarter
                    }
                }
            }
            return Column(ints: values, kind: kind, validity: column.validity)
        }
    }

    // MARK: DATE_FORMAT and TO_TIMESTAMP

    static func dateFormat(_ value: CompiledNode, _ format: CompiledNode) throws(SQLError) -> CompiledNode {
        let source = value.type.isTimestamp ? value : try CastKernels.compile(value, to: .timestamp3)
        let fixed = try constantPattern(format)
        return CompiledNode(type: .varchar, children: [source, format]) { input throws(SQLError) in
            let column = try source.run(input)
            let formats = fixed == nil ? try format.run(input) : nil
            var cache = PatternCache()
            var out = ByteColumn()
            var nulls: [Int] = []
            for i in 0..<column.count {
                if !column.isNull(i) {
                    if let pattern = fixed ?? formats.flatMap({ cache.pattern(row: i, $0) }) {
                        pattern.format(column.ints[i], to: &out.bytes)
                    } else {
                        nulls.append(i)
                    }
                }
                out.offsets.append(out.bytes.count)
            }
            let validity = Validity.and(column.validity, formats?.validity)
            return Column(strings: out, validity: nulls.isEmpty ? validity : Validity.clearing(nulls, in: validity, count: column.count))
        }
    }

    static func toTimestamp(_ value: CompiledNode, _ format: CompiledNode?, type: SQLType) throws(SQLError) -> CompiledNode {
        guard let format else { return try CastKernels.compile(value, to: type) }
        let fixed = try constantPattern(format)
        return CompiledNode(type: type, children: [value, format]) { input throws(SQLError) in
            let column = try value.run(input)
            let formats = fixed == nil ? try format.run(input) : nil
            var cache = PatternCache()
            var nulls: [Int] = []
            let values = try withStringView(column.strings) { view throws(SQLError) in
                (0..<column.count).map { i -> Int64 in
                    if let pattern = fixed ?? formats.flatMap({ cache.pattern(row: i, $0) }), let ms = pattern.parse(view[i]) {
                        return ms
                    }
                    nulls.append(i)
                    return 0
                }
            }
            let validity = Validity.and(column.validity, formats?.validity)
            return Column(ints: values, kind: .int64, validity: nulls.isEmpty ? validity : Validity.clearing(nulls, in: validity, count: column.count))
        }
    }

    static func constantPattern(_ format: CompiledNode) throws(SQLError) -> DateTimePattern? {
        guard case .string(let text)? = format.constant else { return nil }
        return try DateTimePattern(text)
    }

    /// Compiles per-row format strings, reusing the last one while it repeats.
    struct PatternCache {
        var text: String?
        var compiled: DateTimePattern?

        mutating func pattern(row: Int, _ formats: Column) -> DateTimePattern? {
            guard !formats.isNull(row) else { return nil }
            let current = formats.strings[row]
            if current != text {
                text = current
                compiled = try? DateTimePattern(current)
            }
            return compiled
        }
    }

    // MARK: Intervals

    /// `value ± interval` for TIMESTAMP or DATE values and day-time or year-month intervals.
    /// Adding months keeps the day of month, clamped to the month's length (Jan 31 + 1 month = Feb 28/29).
    static func addInterval(_ value: CompiledNode, _ interval: CompiledNode, subtract: Bool, type: SQLType) throws(SQLError) -> CompiledNode {
        let resultType = ArithmeticKernels.isDateTime(type) ? type : value.type
        if interval.type == .intervalYearMonth {
            let isDate = value.type == .date
            let node = CompiledNode(type: value.type, children: [value, interval]) { input throws(SQLError) in
                let (a, va) = try value.ints(input)
                let (b, vb) = try interval.ints(input)
                let n = input.count
                let values = (0..<n).map { i in
                    addMonths(a[i], subtract ? -b[i] : b[i], isDate: isDate)
                }
                return Column(ints: values, kind: .int64, validity: Validity.and(va, vb))
            }
            return try CastKernels.compile(node, to: resultType)
        }
        let millis = value.type == .date ? try CastKernels.compile(value, to: .timestamp3) : value
        let timestampType = millis.type
        let sum = subtract
            ? ArithmeticKernels.intKernel(IntSubtract.self, millis, interval, type: timestampType)
            : ArithmeticKernels.intKernel(IntAdd.self, millis, interval, type: timestampType)
        return try CastKernels.compile(sum, to: resultType)
    }

    static func addMonths(_ value: Int64, _ months: Int64, isDate: Bool) -> Int64 {
        let days = isDate ? value : floorDivide(value, 86_400_000)
        let timeOfDay = isDate ? 0 : value - days * 86_400_000
        let (y, m, d) = TimeFormat.civil(days: days)
        let total = y * 12 + (m - 1) + months
        let year = floorDivide(total, 12), month = floorModulo(total, 12) + 1
        let nextMonthStart = month == 12
            ? TimeFormat.days(year: year + 1, month: 1, day: 1)
            : TimeFormat.days(year: year, month: month + 1, day: 1)
        let length = nextMonthStart - TimeFormat.days(year: year, month: month, day: 1)
        let newDays = TimeFormat.days(year: year, month: month, day: min(d, length))
        return isDate ? newDays : newDays * 86_400_000 + timeOfDay
    }
}
