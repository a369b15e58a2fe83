public import RivuletCore

/// ksqlDB's connector statements: a connector copies an external system's data into Kafka
/// topics (a source) or out of them (a sink), configured with Kafka Connect's properties.
public enum ConnectorStatement: Hashable, Sendable {
    /// `CREATE SOURCE|SINK CONNECTOR [IF NOT EXISTS] name WITH ('connector.class' = ..., ...)`
    case create(CreateConnector)
    /// `DESCRIBE CONNECTOR name`
    case describe(ConnectorReference)
    /// `DROP CONNECTOR [IF EXISTS] name`
    case drop(ConnectorReference)

    public var span: SourceSpan {
        switch self {
        case .create(let create): return create.span
        case .describe(let reference), .drop(let reference): return reference.span
        }
    }

    /// The connector the statement names.
    public var name: Identifier {
        switch self {
        case .create(let create): return create.name
        case .describe(let reference), .drop(let reference): return reference.name
        }
    }
}

/// The connector `DESCRIBE CONNECTOR` or `DROP CONNECTOR [IF EXISTS]` names.
public struct ConnectorReference: Hashable, Sendable {
    public var name: Identifier
    /// `IF EXISTS` (DROP only).
    public var ifExists: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(name: Identifier, ifExists: Bool = false, span: SourceSpan = .unknown) {
        self.name = name
        self.ifExists = ifExists
        self.span = span
    }
}

/// `CREATE SOURCE|SINK CONNECTOR [IF NOT EXISTS] name WITH (property = value, ...)`
public struct CreateConnector: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case source = "SOURCE"
        case sink = "SINK"
    }

    public var kind: Kind
    public var ifNotExists: Bool
    public var name: Identifier
    /// Kafka Connect's properties, keys as written (`connector.class`, `database.hostname`, ...).
    public var options: [TableOption]
    @IgnoredSpan public var span: SourceSpan

    public init(kind: Kind, ifNotExists: Bool, name: Identifier, options: [TableOption], span: SourceSpan = .unknown) {
        self.kind = kind
        self.ifNotExists = ifNotExists
        self.name = name
        self.options = options
        self.span = span
    }
}
