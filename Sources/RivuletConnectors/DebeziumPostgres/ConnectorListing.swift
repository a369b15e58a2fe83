public import RivuletCore

/// The columns of `SHOW CONNECTORS`, as ksqlDB lists them.
public enum ConnectorListing {
    public static let schema = Schema([
        Field("name", .varchar), Field("type", .varchar), Field("class", .varchar), Field("state", .varchar), Field("topics", .varchar),
    ])
}
