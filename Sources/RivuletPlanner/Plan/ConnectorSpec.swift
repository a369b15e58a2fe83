public import RivuletCore

/// A source or sink as declared in `CREATE ... WITH (...)`: the connector name and its options,
/// keys lower-cased with quotes removed (`'connector' = 'filesystem'` → `connector: filesystem`).
public struct ConnectorSpec: Hashable, Sendable, CustomStringConvertible {
    /// `file`, `filesystem`, `datagen`, `nexmark`, `blackhole`, `sqlite`, `kafka`, ... or
    /// `embedded` for streams without a connector.
    public var connector: String
    public var options: [String: String]

    public init(connector: String, options: [String: String]) {
        self.connector = connector
        self.options = options
    }

    public subscript(key: String) -> String? { options[key.lowercased()] }

    /// The connector of streams declared without one: rows come from `INSERT ... VALUES` or a query.
    public static let embedded = "embedded"

    /// A sink that drops every row (`blackhole`): it takes any changelog, as Flink's does, so a
    /// benchmark can run an updating query without a keyed sink.
    public var discardsRows: Bool { connector == "blackhole" }

    /// A sink that takes any changelog without a primary key: `blackhole`, and `print`, which
    /// writes each change as a line (`+I[...]`, `-U[...]`) as Flink's print connector does.
    public var takesChangelog: Bool { discardsRows || connector == "print" }

    public var description: String {
        let rest = options.keys.sorted().filter { $0 != "connector" }.map { "\($0)=\(options[$0]!)" }
        return ([connector] + rest).joined(separator: ", ")
    }
}

/// `WATERMARK FOR column AS column - INTERVAL delay`.
public struct WatermarkSpec: Hashable, Sendable {
    public var column: Int
    public var delayMillis: Int64

    public init(column: Int, delayMillis: Int64) {
        self.column = column
        self.delayMillis = delayMillis
    }
}

/// What the planner knows of a declared stream or table.
public struct Relation: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Append-only, event-time stamped.
        case stream
        /// Keyed changelog / materialized view.
        case table
    }

    public var name: String
    public var kind: Kind
    public var schema: Schema
    public var connector: ConnectorSpec
    public var watermark: WatermarkSpec?
    /// The key: a table's primary key, or a stream's `KEY` columns (the Kafka message key).
    public var primaryKey: [Int]
    /// Columns filled by the connector rather than declared (`KsqlSystemColumn`), hidden from `*`.
    public var systemColumns: [Int]
    /// Columns computed from the others as rows are read (`cost AS price * quantity`), in column
    /// order; connectors never see them (`stored`).
    public var computedColumns: [ComputedColumn] = []
    /// Columns the connector fills from what it knows of each record (`ts TIMESTAMP(3) METADATA FROM 'timestamp'`).
    public var metadataColumns: [MetadataColumn] = []
    /// Whether the name was quoted when declared: ksqlDB's names are case-sensitive, an unquoted
    /// one upper-cased (`input` is `INPUT`, `"input"` is `input`).
    public var nameQuoted = false
    /// Flink's `PARTITIONED BY`: a filesystem sink writes a row under folders `col=value/` of
    /// these columns, in order, and leaves them out of the files.
    public var partitionColumns: [Int] = []

    public init(
        name: String, kind: Kind, schema: Schema, connector: ConnectorSpec, watermark: WatermarkSpec? = nil, primaryKey: [Int] = [],
        systemColumns: [Int] = []
    ) {
        self.name = name
        self.kind = kind
        self.schema = schema
        self.connector = connector
        self.watermark = watermark
        self.primaryKey = primaryKey
        self.systemColumns = systemColumns
    }
}
