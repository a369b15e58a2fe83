import Foundation
import Testing

/// `rivulet shell` against a real `rivulet serve`: interactively in a pseudo-terminal (driven by
/// pexpect, which `.ci/run` installs from PyPI), with `-f` scripts and piped input, and when the
/// server is away or restarts.
@Suite(.timeLimit(.minutes(3)))
struct ShellTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts")
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sql-examples")

    @Test func interactiveSessionInAPseudoTerminal() async throws {
        try await ServeProcess.with { server, directory in
            let home = directory.appendingPathComponent("home")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let log = directory.appendingPathComponent("session.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", Self.scripts.appendingPathComponent("shell_session.py").path,
                ServeProcess.executable.path, String(server.pgPort), home.path,
            ]
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            let status: Int32 = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do { try process.run() } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
            try handle.close()
            let text = try String(contentsOf: log, encoding: .utf8)
            #expect(status == 0, "\(text)\nserver: \(server.stderr)")
            #expect(text.hasSuffix("shell session OK\n"), "\(text)")
            let history = try String(contentsOf: home.appendingPathComponent(".rivulet_history"), encoding: .utf8)
            #expect(history.contains("INSERT INTO clicks VALUES (1, 'home;page'),\n  (2, 'cart');\n"), "\(history)")
        }
    }

    @Test func dashFRunsEveryExampleScript() async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(!files.isEmpty)
        for file in files {
            try await ServeProcess.with { server, directory in
                // The examples name their inputs relative to themselves; the server resolves them
                // from its working directory, which is `directory`.
                for item in try FileManager.default.contentsOfDirectory(atPath: Self.examples.path) where item != "out" {
                    try FileManager.default.copyItem(at: Self.examples.appendingPathComponent(item), to: directory.appendingPathComponent(item))
                }
                let result = try await ShellProcess.run(["--port", String(server.pgPort), "-f", directory.appendingPathComponent(file).path])
                #expect(result.status == 0, "\(file): \(result.stderr)\nserver: \(server.stderr)")
                #expect(result.stderr.isEmpty, "\(file): \(result.stderr)")
                #expect(!result.stdout.contains("ERROR"), "\(file): \(result.stdout)")
            }
        }
    }

    @Test func aScriptStopsAtItsFirstErrorNamingFileLineAndColumn() async throws {
        try await ServeProcess.with { server, directory in
            let script = directory.appendingPathComponent("bad.sql")
            try """
                CREATE STREAM s (id INT);
                INSERT INTO s VALUES (1);

                SELECT id
                FROM nowhere;
                INSERT INTO s VALUES (2);
                """.write(to: script, atomically: true, encoding: .utf8)
            let port = String(server.pgPort)
            let result = try await ShellProcess.run(["--port", port, "-f", script.path])
            #expect(result.status == 1)
            #expect(result.stdout == "CREATE STREAM\nINSERT 0 1\n")
            #expect(result.stderr == """
                ERROR 42P01: unknown stream or table 'nowhere' (\(script.path): line 5, column 6)
                FROM nowhere;
                     ^^^^^^^

                """)
            // Piped standard input behaves the same: no prompt, stop at the first error.
            let piped = try await ShellProcess.run(["--port", port], input: "SELECT id FORM s;\nSELECT id FROM s;\n")
            #expect(piped.status == 1)
            #expect(piped.stdout.isEmpty, "\(piped.stdout)")
            #expect(piped.stderr.hasPrefix("ERROR 42601: "), "\(piped.stderr)")
            let after = try await ShellProcess.run(["--port", port], input: "SELECT id FROM s;")
            #expect(after.status == 0)
            #expect(after.stdout == " id \n----\n  1 \n(1 row)\n")
            // An error without a position still names the statement's line.
            let unknown = directory.appendingPathComponent("unknown.sql")
            try """
                CREATE STREAM missing (id INT) WITH ('connector' = 'file', 'path' = 'nowhere/in.csv', 'format' = 'csv');
                SELECT id
                  FROM missing;
                """.write(to: unknown, atomically: true, encoding: .utf8)
            let missing = try await ShellProcess.run(["--port", port, "-f", unknown.path])
            #expect(missing.status == 1)
            #expect(missing.stderr.hasPrefix("ERROR 58030: "), "\(missing.stderr)")
            #expect(missing.stderr.hasSuffix(" does not exist (\(unknown.path): line 2)\n"), "\(missing.stderr)")
        }
    }

    @Test func anUnreachableServerGetsOneClearLine() async throws {
        let port = try ShellProcess.freePort()
        let result = try await ShellProcess.run(["--port", String(port)], input: "SHOW STREAMS;\n")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "rivulet shell: cannot reach the server at 127.0.0.1:\(port): connection refused. Is `rivulet serve` running there? (--host, --port)\n")
    }

    @Test func aServerThatAsksForAPassword() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let users = directory.appendingPathComponent("users")
        try await ServeProcess.addUser("alice", password: "s3cret", file: users)
        let server = try await ServeProcess.start(dataDirectory: directory, arguments: ["--users", users.path])
        defer { server.kill() }
        let login = ["--port", String(server.pgPort), "--user", "alice"]
        let without = try await ShellProcess.run(login, input: "SHOW STREAMS;\n")
        #expect(without.status == 2)
        #expect(without.stderr == """
            rivulet shell: the server at 127.0.0.1:\(server.pgPort) asks user alice for a password: \
            set PGPASSWORD, or start the shell in a terminal to be asked for it

            """)
        let wrong = try await ShellProcess.run(login, input: "SHOW STREAMS;\n", environment: ["PGPASSWORD": "guess"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr == "rivulet shell: cannot connect to the server at 127.0.0.1:\(server.pgPort): password authentication failed for user \"alice\"\n")
        let right = try await ShellProcess.run(login, input: "SHOW STREAMS;\n", environment: ["PGPASSWORD": "s3cret"])
        #expect(right.status == 0, "\(right.stderr)")
        #expect(right.stdout.hasSuffix("(0 rows)\n"))
    }

    @Test func theNextStatementReconnectsAfterTheServerRestarts() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try ShellProcess.freePort()
        let first = try await ServeProcess.start(dataDirectory: directory, arguments: ["--pg-port", String(port)])
        defer { first.kill() }
        let shell = try ShellProcess(["--port", String(port)])
        shell.write("CREATE STREAM s (id INT);\n")
        #expect(try await ServeProcess.eventually { shell.stdout == "CREATE STREAM\n" }, "\(shell.stderr)")
        #expect(await first.stop() == 0)
        let second = try await ServeProcess.start(dataDirectory: directory, arguments: ["--pg-port", String(port)])
        defer { second.kill() }
        shell.write("INSERT INTO s VALUES (5);\nSELECT id FROM s;\n")
        shell.closeInput()
        let result = await shell.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "rivulet shell: reconnected to the server at 127.0.0.1:\(port)\n")
        #expect(result.stdout == "CREATE STREAM\nINSERT 0 1\n id \n----\n  5 \n(1 row)\n")
    }

    @Test func showConnectorTypesListsTheOptionsThatCreateAccepts() async throws {
        try await ServeProcess.with { server, directory in
            let result = try await ShellProcess.run(["--port", String(server.pgPort)], input: "\\x on\nSHOW CONNECTOR TYPES;\n")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("name    | file\noptions | csv.field-delimiter, csv.ignore-parse-errors, csv.null-literal, csv.quote-character, format, header, json.ignore-parse-errors, on-error, path, source.monitor-interval\n"), "\(result.stdout)")
            #expect(result.stdout.contains("name    | sqlite\noptions | path, table, table-name\n"), "\(result.stdout)")
        }
    }

    @Test func helpDescribesTheOptions() async throws {
        let result = try await ShellProcess.run(["--help"])
        #expect(result.status == 0)
        for option in ["--host", "--port", "--user", "-f <FILE.sql>", "~/.rivulet_history"] {
            #expect(result.stdout.contains(option), "\(option) in \(result.stdout)")
        }
    }
}
