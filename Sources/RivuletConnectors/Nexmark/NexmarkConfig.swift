import RivuletCore
import RivuletPlanner

/// The options of the `nexmark` connector, in Rivulet's names or in those of Nexmark's own Flink
/// source (`events.num`, `first-event.rate`, `next-event.rate`, `*.proportion`), so Nexmark's
/// `ddl_gen.sql` runs as published.
struct NexmarkConfig: Sendable {
    /// The one kind this source emits; nil for every event, in Nexmark's one-source shape
    /// (`event_type` and a ROW per kind).
    var kind: NexmarkKind?
    /// Total events across the three kinds (nil: unbounded); a one-kind source emits its share.
    var events: Int64?
    /// Events per second of event time: event `i` happens at `baseTime + i * 1000 / rate` ms.
    var rate: Int64
    var mix: NexmarkMix
    var seed: UInt64
    var baseTime: Int64
    /// Share of events moved back in time by 1...`maxDelayMillis` ms (out of order).
    var outOfOrderFraction: Double
    var maxDelayMillis: Int64

    static let known: Set<String> = [
        "kind", "table", "events", "rate", "seed", "base-time", "ooo-fraction", "max-delay-ms",
        "events.num", "first-event.rate", "next-event.rate", "person.proportion", "auction.proportion", "bid.proportion",
    ]
    /// 2024-01-01 12:00:00 UTC.
    static let defaultBaseTime: Int64 = 1_704_110_400_000

    init(_ spec: ConnectorSpec) throws(SQLError) {
        let options = try ConnectorOptions(spec, known: Self.known)
        let kinds = NexmarkKind.allCases.map(\.rawValue)
        if let key = ["kind", "table"].first(where: options.contains) {
            kind = NexmarkKind(rawValue: try options.choice(key, kinds))!
        }
        for key in ["events", "events.num"] {
            guard let events = try options.int(key) else { continue }
            guard events >= 0 else { throw options.invalid(key, String(events), expected: "a count ≥ 0") }
            self.events = events
        }
        rate = try options.int("rate", default: 10_000, min: 1)
        if let first = try options.int("first-event.rate") {
            guard first >= 1 else { throw options.invalid("first-event.rate", String(first), expected: "a rate ≥ 1") }
            // Nexmark alternates the two rates over `rate.period`; one constant rate is what its
            // published runs use.
            if let next = try options.int("next-event.rate"), next != first {
                throw SQLError(
                    .featureNotSupported,
                    "connector 'nexmark' generates at one rate: 'first-event.rate' (\(first)) and 'next-event.rate' (\(next)) differ",
                    hint: "give both the same rate")
            }
            rate = first
        }
        let standard = NexmarkMix.standard
        mix = NexmarkMix(
            persons: try options.int("person.proportion", default: standard.persons, min: 0),
            auctions: try options.int("auction.proportion", default: standard.auctions, min: 0),
            bids: try options.int("bid.proportion", default: standard.bids, min: 0))
        // Bids name an auction and a person, auctions a person: both must exist.
        guard mix.persons > 0, mix.auctions > 0 || mix.bids == 0 else {
            throw SQLError(
                .invalidParameterValue,
                "connector 'nexmark' needs persons, and auctions when there are bids: proportions \(mix.persons):\(mix.auctions):\(mix.bids)",
                hint: "'person.proportion' ≥ 1, and 'auction.proportion' ≥ 1 unless 'bid.proportion' is 0")
        }
        seed = UInt64(bitPattern: try options.int("seed", default: 42))
        baseTime = try options.timestamp("base-time") ?? Self.defaultBaseTime
        outOfOrderFraction = try options.double("ooo-fraction") ?? 0
        guard outOfOrderFraction >= 0, outOfOrderFraction <= 1 else {
            throw options.invalid("ooo-fraction", options["ooo-fraction"] ?? "", expected: "a fraction between 0 and 1")
        }
        maxDelayMillis = try options.int("max-delay-ms", default: outOfOrderFraction > 0 ? 4000 : 0, min: 0)
    }

    /// What fills each column `relation` declares, checking names and types: a one-kind source
    /// declares fields of its kind; a source of every event declares `event_type` and a ROW per
    /// kind (`person`, `auction`, `bid`) of that kind's fields, as Nexmark's `ddl_gen.sql` does.
    func columns(for relation: Relation) throws(SQLError) -> [NexmarkColumn] {
        if let kind {
            let declared = relation.schema.fields.map { ($0.name, $0.type) }
            return try Self.fieldIndices(of: kind, declared, in: "'\(relation.name)'").map(NexmarkColumn.field)
        }
        let names = ["event_type"] + NexmarkKind.allCases.map(\.rawValue)
        return try relation.schema.fields.map { column throws(SQLError) -> NexmarkColumn in
            if column.name.lowercased() == "event_type" {
                guard column.type == .integer || column.type == .bigint else {
                    throw SQLError(
                        .datatypeMismatch,
                        "column 'event_type' of '\(relation.name)' is declared \(column.type), but a nexmark event type is INT")
                }
                return .eventType
            }
            guard let kind = NexmarkKind(rawValue: column.name.lowercased()) else {
                var hint = "a nexmark source without 'kind' has columns " + names.joined(separator: ", ")
                if let close = Suggestion.closest(to: column.name, in: names) { hint = "did you mean '\(close)'?" }
                throw SQLError(
                    .undefinedColumn, "column '\(column.name)' of '\(relation.name)' is not a nexmark event column", hint: hint)
            }
            guard case .row(let fields) = column.type else {
                throw SQLError(
                    .datatypeMismatch,
                    "column '\(column.name)' of '\(relation.name)' is declared \(column.type), but a nexmark \(kind.rawValue) is a ROW of its fields",
                    hint: "declare it ROW<" + kind.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + ">")
            }
            let declared = fields.map { ($0.name, $0.type) }
            let indices = try Self.fieldIndices(of: kind, declared, in: "'\(relation.name).\(column.name)'")
            return .event(kind, fields: indices, types: fields.map(\.type))
        }
    }

    /// The index among `kind`'s fields of each declared (name, type).
    private static func fieldIndices(
        of kind: NexmarkKind, _ declared: [(name: String, type: SQLType)], in owner: String
    ) throws(SQLError) -> [Int] {
        let fields = kind.fields
        var indices: [Int] = []
        for column in declared {
            guard let index = fields.firstIndex(where: { $0.name.lowercased() == column.name.lowercased() }) else {
                var hint = "a nexmark \(kind.rawValue) has fields " + fields.map(\.name).joined(separator: ", ")
                if let close = Suggestion.closest(to: column.name, in: fields.map(\.name)) { hint = "did you mean '\(close)'?" }
                throw SQLError(
                    .undefinedColumn, "column '\(column.name)' of \(owner) is not a field of a nexmark \(kind.rawValue)",
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
                    "column '\(column.name)' of \(owner) is declared \(column.type), but the nexmark \(kind.rawValue) field is \(expected)")
            }
            indices.append(index)
        }
        return indices
    }
}

/// What fills one column of a `nexmark` relation.
enum NexmarkColumn: Sendable {
    /// Field `index` of the source's one kind.
    case field(Int)
    /// Nexmark's `event_type`: 0 person, 1 auction, 2 bid.
    case eventType
    /// A ROW of `kind`'s fields at `fields` (declared as `types`), NULL for events of other kinds.
    case event(NexmarkKind, fields: [Int], types: [SQLType])
}
