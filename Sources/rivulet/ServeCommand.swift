import ArgumentParser
import Dispatch
import Foundation
import Logging
import RivuletCore
import RivuletPGWire
import RivuletServer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server: persistent queries, the Postgres wire protocol, the web console and metrics.",
        discussion: """
            Streams, tables and persistent queries defined over the wire are kept in the data directory \
            and come back at the next start. Statements in the given files run at every start and are \
            not kept. SIGINT or SIGTERM stops the server: queries stop, sinks are flushed and closed.
            """)

    @Argument(help: "SQL files whose statements run at boot.")
    var files: [String] = []

    @Option(help: "Where the catalog, checkpoints and embedded streams live.")
    var dataDir = "./rivulet-data"

    @Option(help: "Postgres wire protocol port (0: any free port).")
    var pgPort = 5433

    @Option(help: "HTTP port for the web console (/), its JSON API (/api/v1), /metrics and /healthz (0: any free port).")
    var httpPort = 8080

    @Option(help: "Address to listen on.")
    var listen = "127.0.0.1"

    @Option(
        help: """
            A users file (NAME:ROLE:VERIFIER lines, written by `rivulet user add`); clients then \
            authenticate with SCRAM-SHA-256. Without it anyone may connect, which is refused on a \
            non-loopback --listen address unless --allow-unauthenticated is given.
            """)
    var users: String?

    @Flag(help: "Let anyone connect without a password on a non-loopback --listen address.")
    var allowUnauthenticated = false

    @Option(help: "Seconds a client may leave its socket full before it is disconnected.")
    var clientWriteTimeout = 60.0

    @Option(help: "Connections one user may hold at once; more are refused (SQLSTATE 53300).")
    var maxConnectionsPerUser = 100

    @Option(help: "Rows per batch read from sources.")
    var batchSize = 8192

    @Option(help: "PEM certificate chain for TLS on the pgwire and HTTP ports (with --tls-key). Without it clients connect unencrypted.")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "The least severe log records written to standard error: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(help: "How log records are written: text, or json (one object per line, for log shippers).")
    var logFormat = "text"

    @Option(help: "Join the cluster of this name: servers of one cluster share their catalog and split each persistent query's Kafka partitions (needs --server-id and --cluster-bootstrap).")
    var cluster: String?

    @Option(help: "This server's id in its cluster, stable across restarts (a server restarted under the same id gets its partitions back).")
    var serverId: String?

    @Option(help: "The Kafka brokers (host:port[,host:port...]) of the cluster's catalog topic and consumer groups.")
    var clusterBootstrap: String?

    func validate() throws {
        if cluster != nil || serverId != nil || clusterBootstrap != nil {
            guard let cluster, let serverId, clusterBootstrap?.isEmpty == false else {
                throw ValidationError("--cluster, --server-id and --cluster-bootstrap go together")
            }
            let allowed = { (text: String) in !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) } }
            guard allowed(cluster), allowed(serverId) else {
                throw ValidationError("--cluster and --server-id take letters, digits, '.', '_' and '-' (they name Kafka topics and groups)")
            }
            guard files.isEmpty else {
                throw ValidationError(
                    "in a cluster, statements are shared through the cluster's catalog topic: give them to any server "
                        + "(`rivulet shell -f FILE.sql`) instead of as boot files, which would run again at every start of every server")
            }
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard logFormat == "text" || logFormat == "json" else { throw ValidationError("--log-format must be text or json") }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if users == nil, !allowUnauthenticated, !Self.isLoopback(listen) {
            throw ValidationError(
                "listening on \(listen) without --users lets anyone connect: give --users FILE "
                    + "(see `rivulet user add`), or --allow-unauthenticated to mean it")
        }
        guard clientWriteTimeout > 0 else { throw ValidationError("--client-write-timeout must be positive") }
        guard maxConnectionsPerUser > 0 else { throw ValidationError("--max-connections-per-user must be positive") }
    }

    /// Whether `host` reaches this machine only.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    @Option(help: "The Schema Registry of the AVRO and JSON_SR Kafka formats (ksqlDB's ksql.schema.registry.url).")
    var schemaRegistryUrl: String?

    func run() throws {
        // Read by the Kafka connectors, unless a session sets 'ksql.schema.registry.url'.
        if let schemaRegistryUrl { setenv("RIVULET_SCHEMA_REGISTRY_URL", schemaRegistryUrl, 1) }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var authentication = Authentication.trust
        var roles: [String: Role]?
        if let users {
            let file = readUsers(users)
            authentication = file.authentication
            roles = file.roles
        }
        var scripts: [(name: String, text: String)] = []
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { fail("cannot read \(file)") }
            scripts.append((file, text))
        }
        let configuration = ServerConfiguration(
            dataDirectory: dataDir, workingDirectory: FileManager.default.currentDirectoryPath, host: listen,
            pgPort: pgPort, httpPort: httpPort, authentication: authentication, batchSize: batchSize,
            clientWriteTimeout: .milliseconds(Int64(clientWriteTimeout * 1000)), roles: roles,
            maxConnectionsPerUser: maxConnectionsPerUser,
            tls: tlsCert.flatMap { cert in tlsKey.map { TLSCertificateFiles(certificatePath: cert, privateKeyPath: $0) } },
            cluster: cluster.map { ClusterConfiguration(name: $0, serverId: serverId ?? "", bootstrapServers: clusterBootstrap ?? "") })
        let server: Server
        do {
            server = try Server(configuration: configuration)
        } catch let error as TLSSetupError {
            fail("rivulet serve: \(error)")
        } catch let error as SQLError {
            fail("rivulet serve: \(error.message)")
        } catch {
            fail("cannot open the data directory \(dataDir): \(error)")
        }

        // Signals arrive on a dispatch queue instead of killing the process.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                note("rivulet serve: stopping")
                server.shutdown()
            }
            source.resume()
            return source
        }

        let listen = listen
        let finished = DispatchSemaphore(value: 0)
        Task {
            defer { finished.signal() }
            for warning in await server.restore() { note("warning: \(warning)") }
            do throws(SQLError) {
                try await server.joinCluster()
            } catch {
                fail("rivulet serve: cannot join the cluster: \(error.message)")
            }
            for script in scripts {
                do throws(SQLError) {
                    for line in try await server.runScript(script.text) { note("\(script.name): \(line)") }
                } catch {
                    fail(error.rendered(source: script.text, fileName: script.name))
                }
            }
            do {
                try await server.run { service, port in
                    say("\(service) listening on \(listen):\(port)")
                }
            } catch {
                fail("rivulet serve: \(error)")
            }
        }
        finished.wait()
        withExtendedLifetime(signals) {}
        note("rivulet serve: stopped")
    }

    private func readUsers(_ path: String) -> UsersFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
        let file: UsersFile
        do {
            file = try UsersFile(parsing: text)
        } catch {
            fail("\(path): \(error)")
        }
        guard !file.users.isEmpty else { fail("\(path): no users; add one with `rivulet user add NAME --file \(path)`") }
        return file
    }
}

/// Standard output, unbuffered: tools wait for the "listening" lines.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

private func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

private func fail(_ message: String) -> Never {
    note(message)
    Foundation.exit(1)
}
