public import RivuletCore

/// `SHOW STREAMS | TABLES | QUERIES | VIEWS | FUNCTIONS | TOPICS | CONNECTORS | PROPERTIES [EXTENDED]`
/// (ksqlDB also spells it `LIST`; Flink's `SET;` is `SHOW PROPERTIES`).
public struct Show: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case streams = "STREAMS"
        case tables = "TABLES"
        case queries = "QUERIES"
        case views = "VIEWS"
        case functions = "FUNCTIONS"
        case topics = "TOPICS"
        /// The connectors created with `CREATE SOURCE|SINK CONNECTOR` (ksqlDB's meaning).
        case connectors = "CONNECTORS"
        /// `SHOW CONNECTOR TYPES`: the table connectors and the `WITH` options each accepts.
        case connectorTypes = "CONNECTOR TYPES"
        /// The settings in force: those the session set and the defaults of those Rivulet reads.
        case properties = "PROPERTIES"
    }

    public var kind: Kind
    public var extended: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(kind: Kind, extended: Bool = false, span: SourceSpan = .unknown) {
        self.kind = kind
        self.extended = extended
        self.span = span
    }
}
