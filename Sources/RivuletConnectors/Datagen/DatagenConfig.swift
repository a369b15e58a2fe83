import RivuletCore
import RivuletPlanner

/// The options of the `datagen` connector, as Flink's: `number-of-rows`, `rows-per-second`,
/// `fields.<name>.kind` = `random` | `sequence`, `fields.<name>.min/max/length/start/end`,
/// `fields.<name>.null-rate`; plus `seed` (deterministic output) and `base-time` (the first
/// event time; TIMESTAMP and DATE columns increase from it by `1000 / rows-per-second` ms per row,
/// 1 ms when no rate is set).
struct DatagenConfig: Sendable {
    var numberOfRows: Int64?
    var rowsPerSecond: Double?
    var seed: UInt64
    var baseTime: Int64
    var fields: [DatagenField]

    static let known: Set<String> = ["number-of-rows", "rows-per-second", "seed", "base-time", "scan.parallelism"]

    static let fieldOptions = ["kind", "min", "max", "length", "start", "end", "null-rate", "max-past"]

    init(_ relation: Relation) throws(SQLError) {
        let spec = relation.connector
        let options = try ConnectorOptions(spec, known: Self.known, prefixes: ["fields."])
        if let rows = try options.int("number-of-rows") {
            guard rows >= 0 else { throw options.invalid("number-of-rows", String(rows), expected: "a count ≥ 0") }
            numberOfRows = rows
        }
        if let rate = try options.double("rows-per-second") {
            guard rate > 0 else { throw options.invalid("rows-per-second", String(rate), expected: "a rate > 0") }
            rowsPerSecond = rate
        }
        if let seed = try options.int("seed") {
            self.seed = UInt64(bitPattern: seed)
        } else {
            self.seed = UInt64.random(in: .min ... .max)
        }
        // With a seed the whole output is reproducible, times included.
        baseTime = try options.timestamp("base-time")
            ?? (options.contains("seed") ? NexmarkConfig.defaultBaseTime : SystemClock.wallMillis())

        let names = relation.schema.names
        for key in options.values.keys where key.hasPrefix("fields.") {
            let rest = key.dropFirst("fields.".count)
            guard let dot = rest.lastIndex(of: ".") else {
                throw SQLError(.invalidParameterValue, "unknown option '\(key)' for connector 'datagen'", hint: "expected 'fields.<column>.<option>'")
            }
            let column = String(rest[..<dot])
            let option = String(rest[rest.index(after: dot)...])
            guard relation.schema.firstIndex(of: column) != nil else {
                var error = SQLError(.undefinedColumn, "option '\(key)' of connector 'datagen' names no column of '\(relation.name)'")
                if let close = Suggestion.closest(to: column, in: names) { error.hint = "did you mean '\(close)'?" }
                throw error
            }
            guard Self.fieldOptions.contains(option) else {
                var error = SQLError(.invalidParameterValue, "unknown option '\(key)' for connector 'datagen'")
                if let close = Suggestion.closest(to: option, in: Self.fieldOptions) { error.hint = "did you mean 'fields.\(column).\(close)'?" }
                throw error
            }
        }
        fields = []
        for field in relation.schema.fields {
            fields.append(try Self.field(field, options))
        }
    }

    private static func field(_ field: Field, _ options: ConnectorOptions) throws(SQLError) -> DatagenField {
        // Options may name the column in any case.
        let prefix = "fields.\(field.name.lowercased())."
        let kind = try options.choice(prefix + "kind", ["random", "sequence"], default: "random")
        let nullRate = try options.double(prefix + "null-rate") ?? 0
        guard nullRate >= 0, nullRate <= 1 else {
            throw options.invalid(prefix + "null-rate", options[prefix + "null-rate"] ?? "", expected: "a fraction between 0 and 1")
        }
        let scale = field.type.decimalScale
        func scaled(_ key: String) throws(SQLError) -> Int64? {
            guard let text = options[key] else { return nil }
            if scale > 0 {
                guard let value = DecimalFormat.parse(text.trimmingSpaces, scale: scale).flatMap({ Int64(exactly: $0) }) else {
                    throw options.invalid(key, text, expected: "a number of at most 18 digits")
                }
                return value
            }
            return try options.int(key)
        }
        if kind == "sequence" {
            switch field.type {
            case .integer, .bigint, .decimal, .double, .varchar: break
            default:
                throw SQLError(.invalidParameterValue, "a sequence cannot generate \(field.type) column '\(field.name)' (connector 'datagen')")
            }
            guard let start = try scaled(prefix + "start") else { throw SQLError(.invalidParameterValue, "missing option '\(prefix)start' for connector 'datagen'") }
            guard let end = try scaled(prefix + "end") else { throw SQLError(.invalidParameterValue, "missing option '\(prefix)end' for connector 'datagen'") }
            guard start <= end else { throw options.invalid(prefix + "end", options[prefix + "end"] ?? "", expected: "a value ≥ start") }
            return DatagenField(type: field.type, kind: .sequence(start: start, end: end), nullRate: nullRate)
        }
        switch field.type {
        case .timestamp, .date:
            return DatagenField(type: field.type, kind: .eventTime, nullRate: nullRate)
        default:
            break
        }
        let (defaultMin, defaultMax): (Int64, Int64)
        switch field.type {
        case .integer: (defaultMin, defaultMax) = (Int64(Int32.min), Int64(Int32.max))
        case .decimal(let precision, let s): (defaultMin, defaultMax) = (0, DecimalFormat.powersOfTen[min(18, max(precision, s))] - 1)
        case .boolean: (defaultMin, defaultMax) = (0, 1)
        default: (defaultMin, defaultMax) = (.min, .max)
        }
        let lo = try scaled(prefix + "min") ?? defaultMin
        let hi = try scaled(prefix + "max") ?? defaultMax
        guard lo <= hi else { throw options.invalid(prefix + "max", options[prefix + "max"] ?? "", expected: "a value ≥ min") }
        let minDouble = try options.double(prefix + "min") ?? 0
        let maxDouble = try options.double(prefix + "max") ?? 1
        let length = try options.int(prefix + "length", default: 100, min: 0)
        return DatagenField(
            type: field.type,
            kind: .random(min: lo, max: hi, minDouble: minDouble, maxDouble: maxDouble, length: Int(length)),
            nullRate: nullRate)
    }

    /// Rows the source emits: `number-of-rows`, shortened by any sequence's length; nil = unbounded.
    var totalRows: Int64? {
        var total = numberOfRows
        for field in fields {
            if case .sequence(let start, let end) = field.kind {
                let length = end.subtractingReportingOverflow(start).partialValue &+ 1
                if length > 0 { total = min(total ?? .max, length) }
            }
        }
        return total
    }
}
