public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'nexmark'`: the Nexmark benchmark's person, auction or bid events.
///
/// Options: `kind` (or `table`) = `person` | `auction` | `bid`; `events` (total events across
/// the three kinds, of which this source emits its kind's share — 2% persons, 6% auctions, 92%
/// bids by default; unbounded when omitted); `rate` (events per second of event time, default
/// 10000); `seed` (default 42); `base-time` (time of event 0, default `2024-01-01 12:00:00`);
/// `ooo-fraction` and `max-delay-ms` (a share of events moved back in time, default none).
/// Nexmark's own names are accepted too: `events.num`, `first-event.rate` = `next-event.rate`,
/// `person.proportion`, `auction.proportion`, `bid.proportion`.
/// Relations with the same options describe one consistent event stream: bids refer to
/// auctions and persons the others emit. A one-kind relation declares any subset of the kind's
/// columns (by name), e.g. for bids `auction BIGINT, bidder BIGINT, price BIGINT, channel
/// VARCHAR, url VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR`. Without `kind` the relation is
/// every event in Nexmark's one-source shape (its `ddl_gen.sql`): `event_type INT` and ROW
/// columns `person`, `auction`, `bid` of their kind's fields, NULL but for the event's kind.
public struct NexmarkConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { ["nexmark"] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        guard !asSink else {
            throw SQLError(.featureNotSupported, "connector 'nexmark' is a source only; '\(relation.name)' cannot be written to")
        }
        let config = try NexmarkConfig(relation.connector)
        _ = try config.columns(for: relation)
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        let config = try NexmarkConfig(relation.connector)
        let layout = try config.columns(for: relation)
        return NexmarkSourceReader(
            generator: NexmarkGenerator(config: config), columns: columns.map { layout[$0] },
            types: columns.map { relation.schema[$0].type })
    }

    /// Events are generated ahead on a thread of their own (event time never waits for the clock).
    public func readsAhead(_ relation: Relation) -> Bool { true }
    /// Without `events` events are generated for ever.
    public func isUnbounded(_ relation: Relation) -> Bool {
        (try? NexmarkConfig(relation.connector))?.events == nil
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        throw SQLError(.featureNotSupported, "connector 'nexmark' is a source only; '\(relation.name)' cannot be written to")
    }
}
