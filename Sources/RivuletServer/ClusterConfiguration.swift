/// How a server joins a cluster (`rivulet serve --cluster NAME --server-id ID`): the servers
/// of one cluster share their catalog through a Kafka topic and split each persistent query's
/// source partitions through a consumer group.
public struct ClusterConfiguration: Sendable {
    /// Names the catalog topic (`_rivulet-NAME-catalog`) and the queries' consumer groups.
    public var name: String
    /// Stable across restarts: a server that comes back under the same id is the same group member.
    public var serverId: String
    /// The Kafka brokers holding the catalog topic and the consumer groups.
    public var bootstrapServers: String

    public init(name: String, serverId: String, bootstrapServers: String) {
        self.name = name
        self.serverId = serverId
        self.bootstrapServers = bootstrapServers
    }

    public var catalogTopic: String { "_rivulet-\(name)-catalog" }

    /// The consumer group of persistent query `queryId`, the same on every server.
    func consumerGroup(of queryId: String) -> String { "_rivulet-\(name)-\(queryId)" }

    /// This server's static identity in the group of `queryId`.
    func groupInstance(of queryId: String) -> String { "\(serverId)-\(queryId)" }
}
