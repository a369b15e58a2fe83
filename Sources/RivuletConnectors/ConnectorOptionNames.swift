/// The `WITH (...)` option names each built-in connector accepts, read from the very sets its
/// option checks use, so `SHOW CONNECTORS` (and the shell's completion, which asks it) cannot
/// drift from what `CREATE` accepts. Options a connector only tolerates for compatibility
/// (ignored Flink or ksqlDB settings) are left out.
public enum ConnectorOptionNames {
    public static func names(for connector: String) -> [String] {
        let known: Set<String>
        switch connector.lowercased() {
        case "file", "filesystem": known = FileFormat.known
        case "kafka", "upsert-kafka": known = KafkaOptions.known
        case "datagen": known = DatagenConfig.known
        case "nexmark": known = NexmarkConfig.known
        case "print": known = PrintConnector.known
        case "sqlite": known = SQLiteTableOptions.known
        case "postgres", "postgresql", "jdbc": known = PostgresOptions.known
        default: known = []
        }
        return known.sorted()
    }
}
