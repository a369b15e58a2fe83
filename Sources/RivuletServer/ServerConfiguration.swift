public import RivuletPGWire

/// How `rivulet serve` runs: where its files are and where it listens.
public struct ServerConfiguration: Sendable {
    /// The catalog log and connector state (checkpoints, embedded data) live here.
    public var dataDirectory: String
    /// Relative connector paths resolve against this directory.
    public var workingDirectory: String
    public var host: String
    /// Postgres wire protocol port; 0 picks a free one.
    public var pgPort: Int
    /// `/metrics` and `/healthz`; 0 picks a free port.
    public var httpPort: Int
    public var authentication: Authentication
    public var batchSize: Int
    /// Certificate and key for TLS on the pgwire port (offered) and the HTTP port (required); without them clients connect unencrypted.
    public var tls: TLSCertificateFiles?
    /// How long a client may leave its socket full (not reading its results) before it is disconnected.
    public var clientWriteTimeout: Duration
    /// Each user's role; nil without users, when everyone is admin.
    public var roles: [String: Role]?
    /// Connections one user may hold at once; more are refused with 53300.
    public var maxConnectionsPerUser: Int
    /// Set when this server is one of a cluster.
    public var cluster: ClusterConfiguration?

    public init(
        dataDirectory: String, workingDirectory: String, host: String = "127.0.0.1", pgPort: Int = 5433,
        httpPort: Int = 8080, authentication: Authentication = .trust, batchSize: Int = 8192,
        clientWriteTimeout: Duration = .seconds(60), roles: [String: Role]? = nil, maxConnectionsPerUser: Int = 100,
        tls: TLSCertificateFiles? = nil, cluster: ClusterConfiguration? = nil
    ) {
        self.cluster = cluster
        self.roles = roles
        self.maxConnectionsPerUser = maxConnectionsPerUser
        self.clientWriteTimeout = clientWriteTimeout
        self.tls = tls
        self.dataDirectory = dataDirectory
        self.workingDirectory = workingDirectory
        self.host = host
        self.pgPort = pgPort
        self.httpPort = httpPort
        self.authentication = authentication
        self.batchSize = batchSize
    }
}
