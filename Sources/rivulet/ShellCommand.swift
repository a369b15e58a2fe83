import ArgumentParser
import Foundation

struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Interactive SQL shell over the Postgres wire protocol.")

    @Option(help: "Server host.")
    var host = "127.0.0.1"

    @Option(help: "Server port.")
    var port = 5433

    @Option(help: "User name.")
    var user = "rivulet"

    @Option(name: .short, help: "Run the statements of a file and exit.")
    var file: String?

    func run() throws {
        FileHandle.standardError.write(Data("""
            rivulet shell: the interactive shell needs the server, which is not part of this build yet.
            Run a script in-process instead: rivulet run FILE.sql

            """.utf8))
        throw ExitCode(2)
    }
}
