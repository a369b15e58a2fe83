import ArgumentParser
import Dispatch
import Foundation
import Logging
import RivuletServer

/// `rivulet dev schema-registry`: an in-memory Schema Registry speaking Confluent's REST API,
/// for the AVRO and JSON_SR Kafka formats, until Ctrl-C.
struct DevSchemaRegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema-registry",
        abstract: "Run a local in-memory Schema Registry and print its URL.",
        discussion: """
            The registry follows Confluent's REST API (subjects, versions, schemas by id, config). Its \
            schemas live in memory: they are gone when you stop it with Ctrl-C. Point Rivulet at the \
            printed URL with SET 'ksql.schema.registry.url' = '<url>', or start the server with \
            rivulet serve --schema-registry-url <url>.
            """)

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8081

    @Option(help: "Address to listen on.")
    var listen = "127.0.0.1"

    func run() throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &signals, nil)
        let registry = SchemaRegistryService(host: listen, port: port, logger: Logger(label: "schema-registry"))
        let listen = listen
        let finished = DispatchSemaphore(value: 0)
        Task {
            defer { finished.signal() }
            do {
                try await registry.run { port in
                    FileHandle.standardOutput.write(Data("http://\(listen):\(port)\n".utf8))
                    FileHandle.standardError.write(Data("Schema Registry (in memory) at http://\(listen):\(port); Ctrl-C stops it.\n".utf8))
                }
            } catch {
                FileHandle.standardError.write(Data("rivulet dev schema-registry: \(error)\n".utf8))
                Foundation.exit(1)
            }
        }
        finished.wait()
    }
}
