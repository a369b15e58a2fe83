import Foundation
import Logging
import NIOSSL
public import RivuletCore
import RivuletEngine
import RivuletPGWire
import RivuletSQL

/// `rivulet serve`: the query manager behind a Postgres wire-protocol server and an HTTP
/// server for `/healthz`, `/metrics`, the JSON API and the web console.
///
/// Lifecycle: `restore()` brings back the catalog log (in a cluster, `joinCluster()` the
/// shared catalog), `runScript(_:)` runs boot files, `run`
/// serves until `shutdown()`, then stops every persistent query (flushing and closing sinks)
/// before it returns.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    public let manager: QueryManager
    private let pgServer: PGServer
    private let httpServer: HTTPService

    public static let serverVersion = "15.0 (Rivulet)"

    public init(configuration: ServerConfiguration) throws {
        self.configuration = configuration
        let manager = try QueryManager(
            workingDirectory: configuration.workingDirectory, dataDirectory: configuration.dataDirectory,
            batchSize: configuration.batchSize, cluster: configuration.cluster)
        self.manager = manager
        pgServer = try PGServer(
            configuration: PGServerConfiguration(
                host: configuration.host, port: configuration.pgPort, authentication: configuration.authentication,
                serverVersion: Self.serverVersion, tls: configuration.tls,
                clientWriteTimeout: configuration.clientWriteTimeout),
            sessionProvider: EngineSessionProvider(
                manager: manager, connectors: manager.connectors, serverVersion: Self.serverVersion,
                roles: configuration.roles, maxConnectionsPerUser: configuration.maxConnectionsPerUser))
        let verifiers: [String: SCRAMVerifier]? =
            if case .scramSHA256(let users) = configuration.authentication { users } else { nil }
        let tls = try configuration.tls?.makeServerConfiguration()
        var logger = Logger(label: "rivulet.http")
        logger.logLevel = .warning
        httpServer = HTTPService(
            host: configuration.host, port: configuration.httpPort, tls: tls,
            api: ConsoleAPI(manager: manager, rates: QueryRateHistory(), serverVersion: Self.serverVersion, roles: configuration.roles),
            verifiers: verifiers, logger: logger)
    }

    /// Runs the catalog log of the data directory again; returns a warning per entry that failed.
    public func restore() async -> [String] {
        await manager.restore()
    }

    /// In a cluster, applies the shared catalog and keeps following it; returns once it has
    /// caught up (its persistent queries started). Call after `restore()`.
    public func joinCluster() async throws(SQLError) {
        try await manager.joinCluster()
    }

    /// Runs the statements of a boot file (they are not added to the catalog log: the file runs
    /// again at every start). Returns a line per statement saying what it did.
    public func runScript(_ text: String) async throws(SQLError) -> [String] {
        var settings = Settings()
        var notes: [String] = []
        for parsed in try parseScript(text) {
            switch parsed.statement {
            case .set(let option):
                try settings.set(option.key, option.value)
                continue
            case .reset(let reset):
                settings.reset(reset.key)
                continue
            default:
                break
            }
            switch try await manager.execute(parsed, settings: settings, record: false) {
            case .command(let tag):
                notes.append(tag)
            case .rows(let rows):
                notes.append("\(rows.rows.count) row\(rows.rows.count == 1 ? "" : "s")")
            case .started(let queries):
                notes.append(queries.map { "\($0.id) started" }.joined(separator: ", "))
            case .query:
                notes.append("SELECT skipped: results of a SELECT go to a client; connect and run it there")
            }
        }
        return notes
    }

    /// Listens on both ports (reporting each as `("pgwire" | "http", port)`) and serves until
    /// `shutdown()`; returns once every persistent query has stopped.
    public func run(onListening: @escaping @Sendable (_ service: String, _ port: Int) -> Void) async throws {
        let pgServer = pgServer
        let httpServer = httpServer
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await pgServer.run(onListening: { onListening("pgwire", $0) }) }
                group.addTask {
                    try await withTaskCancellationHandler {
                        try await httpServer.run(onListening: { onListening("http", $0) })
                    } onCancel: {
                        httpServer.shutdown()
                    }
                }
                do {
                    // When one server stops (shutdown, or a port that cannot be bound), stop the other.
                    try await group.next()
                    shutdown()
                    try await group.waitForAll()
                } catch {
                    shutdown()
                    throw error
                }
            }
        } catch {
            await manager.shutdown()
            throw error
        }
        await manager.shutdown()
    }

    /// Stops accepting connections and closes the open ones; `run` then stops the queries and returns.
    public func shutdown() {
        pgServer.shutdown()
        httpServer.shutdown()
    }
}
