import RivuletCore
import RivuletPlanner

/// The options of the `nexmark` connector.
struct NexmarkConfig: Sendable {
    var kind: NexmarkKind
    /// Total events across the three kinds (nil: unbounded); this source emits its kind's share.
    var events: Int64?
    /// Events per second of event time: event `i` happens at `baseTime + i * 1000 / rate` ms.
    var rate: Int64
    var seed: UInt64
    var baseTime: Int64
    /// Share of events moved back in time by 1...`maxDelayMillis` ms (out of order).
    var outOfOrderFraction: Double
    var maxDelayMillis: Int64

    static let known: Set<String> = ["kind", "table", "events", "rate", "seed", "base-time", "ooo-fraction", "max-delay-ms"]
    /// 2024-01-01 12:00:00 UTC.
    static let defaultBaseTime: Int64 = 1_704_110_400_000

    init(_ spec: ConnectorSpec) throws(SQLError) {
        let options = try ConnectorOptions(spec, known: Self.known)
        let kinds = NexmarkKind.allCases.map(\.rawValue)
        let key = options.contains("kind") ? "kind" : "table"
        guard options.contains(key) else {
            throw SQLError(
                .invalidParameterValue, "missing option 'kind' for connector 'nexmark'",
                hint: "add 'kind' = 'bid', 'auction' or 'person'")
        }
        kind = NexmarkKind(rawValue: try options.choice(key, kinds))!
        if let events = try options.int("events") {
            guard events >= 0 else { throw options.invalid("events", String(events), expected: "a count ≥ 0") }
            self.events = events
        }
        rate = try options.int("rate", default: 10_000, min: 1)
        seed = UInt64(bitPattern: try options.int("seed", default: 42))
        baseTime = try options.timestamp("base-time") ?? Self.defaultBaseTime
        outOfOrderFraction = try options.double("ooo-fraction") ?? 0
        guard outOfOrderFraction >= 0, outOfOrderFraction <= 1 else {
            throw options.invalid("ooo-fraction", options["ooo-fraction"] ?? "", expected: "a fraction between 0 and 1")
        }
        maxDelayMillis = try options.int("max-delay-ms", default: outOfOrderFraction > 0 ? 4000 : 0, min: 0)
    }

    /// Which generated field fills each declared column, checking names and types.
    func fieldIndices(for relation: Relation) throws(SQLError) -> [Int] {
        let fields = kind.fields
        var indices: [Int] = []
        for column in relation.schema.fields {
            guard let index = fields.firstIndex(where: { $0.name.lowercased() == column.name.lowercased() }) else {
                var hint = "a nexmark \(kind.rawValue) has columns " + fields.map(\.name).joined(separator: ", ")
                if let close = Suggestion.closest(to: column.name, in: fields.map(\.name)) { hint = "did you mean '\(close)'?" }
                throw SQLError(
                    .undefinedColumn, "column '\(column.name)' of '\(relation.name)' is not a field of a nexmark \(kind.rawValue)",
                    hint: hint)
            }
            let expected = fields[index].type
            let compatible: Bool
            switch expected {
            case .bigint: compatible = column.type == .bigint
            case .varchar: compatible = column.type == .varchar
            default: compatible = column.type.isTimestamp
            }
            guard compatible else {
                throw SQLError(
                    .datatypeMismatch,
                    "column '\(column.name)' of '\(relation.name)' is declared \(column.type), but the nexmark \(kind.rawValue) field is \(expected)")
            }
            indices.append(index)
        }
        return indices
    }
}
