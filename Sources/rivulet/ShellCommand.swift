import ArgumentParser
import RivuletShell

struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Interactive SQL shell for a running `rivulet serve`, over the Postgres wire protocol.",
        discussion: """
            Statements end with ';' and may span lines. Push queries (SELECT ... EMIT CHANGES) print \
            rows as they arrive; Ctrl-C cancels the running query, Ctrl-D or \\q quits, \\? lists the \
            meta-commands. History is kept in ~/.rivulet_history.

            With -f FILE, or with statements piped to standard input, the shell runs them in order \
            without prompting and stops at the first error. Exit status: 0 on success, 1 when a \
            statement failed, 2 when the server could not be reached.
            """)

    @Option(help: "Server host.")
    var host = "127.0.0.1"

    @Option(help: "Server pgwire port.")
    var port = 5433

    @Option(help: "User name.")
    var user = "rivulet"

    @Option(name: .customShort("f"), help: ArgumentHelp("Run the statements of a file and exit.", valueName: "FILE.sql"))
    var file: String?

    func run() throws {
        let options = ShellOptions(connection: .init(host: host, port: port, user: user), file: file)
        let status = Shell.run(options)
        if status != 0 { throw ExitCode(status) }
    }
}
