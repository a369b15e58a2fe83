import ArgumentParser
import Foundation

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server: persistent queries, the Postgres wire protocol and metrics.")

    @Argument(help: "SQL files whose statements run at boot.")
    var files: [String] = []

    @Option(help: "Where the catalog, checkpoints and embedded streams live.")
    var dataDir = "./rivulet-data"

    @Option(help: "Postgres wire protocol port.")
    var pgPort = 5433

    @Option(help: "HTTP port for /metrics and /healthz.")
    var httpPort = 8080

    @Option(help: "Address to listen on.")
    var listen = "127.0.0.1"

    func run() throws {
        FileHandle.standardError.write(Data("""
            rivulet serve: the server is not part of this build yet.
            Run a script in-process instead: rivulet run FILE.sql

            """.utf8))
        throw ExitCode(2)
    }
}
