public import RivuletRuntime

/// Every connector this module provides, ready to register.
public enum BuiltinConnectors {
    public static var all: [any ConnectorFactory] {
        [FileConnector(), BlackholeConnector(), PrintConnector(), DatagenConnector(), NexmarkConnector(), SQLiteConnector(), KafkaConnector(), PostgresConnector(), PostgresCDCConnector(), ValuesConnector()]
    }

    /// A registry with every built-in connector.
    public static var registry: ConnectorRegistry { ConnectorRegistry(all) }
}
