public import RivuletCore
public import RivuletPlanner

/// Reads a source as columnar batches.
///
/// Contract: `nextBatch` returns at most `maxRows` rows with the columns the scan asked for, in
/// that order, typed as the relation declares. It returns `nil` once a bounded source is
/// exhausted, and an empty batch when an unbounded source has nothing right now. Records that
/// do not parse are reported to the context's `BadRecordLog` and skipped, never thrown.
/// Thrown errors are fatal for the query (a missing file, a closed connection).
public protocol SourceReader: AnyObject {
    func nextBatch(maxRows: Int) throws -> RowBatch?
}

/// Writes a query's output.
///
/// Contract: `write` receives batches whose columns match the sink relation's schema, with
/// `kinds` set when the input is a changelog (an upsert sink applies `+I`/`+U` as upserts by
/// primary key and `-D` as deletes, and may ignore `-U`; an append-only sink refuses
/// retractions at plan time). `flush` makes everything written so far durable; `close` flushes
/// and releases resources.
public protocol SinkWriter: AnyObject {
    func write(_ batch: RowBatch) throws
    func flush() throws
    func close() throws
}

/// What connectors may use while opening a source or sink.
public struct ConnectorContext: Sendable {
    /// Where relative paths in connector options are resolved.
    public var workingDirectory: String
    /// The query's data directory (checkpoints, embedded streams).
    public var dataDirectory: String
    public var badRecords: BadRecordLog
    /// Whether sources that can follow (embedded streams, materialized tables) keep returning what is
    /// appended after they were opened instead of ending with what was there.
    public var follow: Bool
    /// The options the session set with `SET 'key' = 'value'`, by lower-cased key, for the
    /// connectors that read one (ksqlDB's `auto.offset.reset` for Kafka sources).
    public var sessionOptions: [String: String]
    /// Where a sink that retries reports whether it can write (see `SinkHealth`).
    public var sinkHealth: SinkHealth
    /// Set when the query runs on several servers: partitioned sources read only their share.
    public var consumerGroup: ConsumerGroupMembership?

    public init(
        workingDirectory: String, dataDirectory: String, badRecords: BadRecordLog, follow: Bool = false,
        sessionOptions: [String: String] = [:], sinkHealth: SinkHealth = SinkHealth()
    ) {
        self.sessionOptions = sessionOptions
        self.workingDirectory = workingDirectory
        self.dataDirectory = dataDirectory
        self.badRecords = badRecords
        self.follow = follow
        self.sinkHealth = sinkHealth
    }
}

/// Opens sources and sinks of one or more connector names.
public protocol ConnectorFactory: Sendable {
    /// The `connector` option values this factory handles, lower-case.
    var names: [String] { get }
    /// Checks options at CREATE time, so a typo is an error then and not when the query starts.
    func validate(_ relation: Relation, asSink: Bool) throws(SQLError)
    func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader
    func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter
    /// Whether sources of `relation` may be read ahead on a thread of their own
    /// (`ReadAheadSource`): their readers never wait for input (bounded files, generators), may
    /// be moved to another thread after opening, and report bad records only to the context's
    /// log. Default false.
    func readsAhead(_ relation: Relation) -> Bool
    /// What of a relation's rows outlives the process. Default `.kept`.
    var durability: ConnectorDurability { get }
    /// Whether a source of `relation` never ends by itself when not asked to follow (a generator
    /// without a row count, a log read without a bound): `rivulet run` prints a SELECT's rows
    /// over one as they arrive instead of waiting for its end. Default false.
    func isUnbounded(_ relation: Relation) -> Bool
    /// Appends the rows of an `INSERT ... VALUES`. Default: through a sink, closed at once.
    func insert(_ batch: RowBatch, into relation: Relation, context: ConnectorContext) throws
    /// Makes what a statement that declares `relation` promises exist, before the statement
    /// completes (a Kafka topic that ksqlDB's `CREATE ... AS SELECT` or `PARTITIONS` creates).
    func create(_ relation: Relation, asSink: Bool) throws(SQLError)
    /// The keys of `METADATA FROM 'key'` columns its sources fill. Default none.
    var metadataKeys: [String] { get }
}

/// What of a relation's rows outlives the process, which decides whether a query over it can
/// resume from a checkpoint or must run again from the beginning.
public enum ConnectorDurability: Sendable {
    /// Everything: reading again after a restart gives the same rows (files, Kafka, databases).
    case kept
    /// Inserted rows are kept; rows that queries wrote are written again by running those
    /// queries again (embedded streams).
    case insertedRowsKept
    /// What a query's sink committed at its last checkpoint, with the checkpoint, so the query
    /// resumes there (tables a server materializes in memory and saves beside the query's
    /// checkpoints). Read as a source after a restart, the rows come back whole rather than as
    /// the same stream, so queries reading it run again from the beginning.
    case committedRowsKept
    /// Nothing: the contents are rebuilt by running the queries that fill them.
    case rebuilt
}

extension ConnectorFactory {
    public var metadataKeys: [String] { [] }

    public func readsAhead(_ relation: Relation) -> Bool { false }
    public func isUnbounded(_ relation: Relation) -> Bool { false }
    public func create(_ relation: Relation, asSink: Bool) throws(SQLError) {}
    public var durability: ConnectorDurability { .kept }

    public func insert(_ batch: RowBatch, into relation: Relation, context: ConnectorContext) throws {
        let sink = try makeSink(relation, context: context)
        try sink.write(batch)
        try sink.close()
    }
}
