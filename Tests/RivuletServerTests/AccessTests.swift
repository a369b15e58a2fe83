import Foundation
import Testing

/// Roles, per-user connection limits and statement_timeout.
struct AccessTests {
    @Test func rolesLimitWhatUsersMayRun() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let users = directory.appendingPathComponent("users.txt")
        try await ServeProcess.addUser("ada", password: "a", role: "admin", file: users)
        try await ServeProcess.addUser("wes", password: "w", role: "writer", file: users)
        try await ServeProcess.addUser("rae", password: "r", role: "reader", file: users)
        let server = try await ServeProcess.start(dataDirectory: directory, arguments: ["--users", users.path])
        defer { server.kill() }
        func run(_ user: String, _ password: String, _ sql: String) async throws -> Psql.Result {
            try await server.psql(["-v", "VERBOSITY=verbose", "-c", sql], user: user, password: password)
        }
        #expect(try await run("wes", "w", "CREATE STREAM s (a INT)").status == 0)
        #expect(try await run("wes", "w", "INSERT INTO s VALUES (1)").status == 0)
        let readerCreates = try await run("rae", "r", "CREATE STREAM t (a INT)")
        #expect(readerCreates.stderr.contains("42501: permission denied: CREATE needs role writer (user \"rae\" has role reader)"),
                "\(readerCreates.stderr)")
        #expect(try await run("rae", "r", "INSERT INTO s VALUES (2)").stderr.contains("42501"))
        #expect(try await run("rae", "r", "SELECT a FROM s").stdout.contains("1"))
        #expect(try await run("rae", "r", "SHOW STREAMS").status == 0)
        let writerDrops = try await run("wes", "w", "DROP STREAM s")
        #expect(writerDrops.stderr.contains("42501: permission denied: DROP needs role admin"), "\(writerDrops.stderr)")
        #expect(try await run("ada", "a", "DROP STREAM s").status == 0)

        // /metrics wants any user's name and password; /healthz nobody's.
        let port = server.httpPort
        func status(_ path: String, _ headers: [String] = []) async throws -> Int {
            try await offPool { try RawSocket.httpGet(port: port, path: path, headers: headers).status }
        }
        #expect(try await status("/metrics") == 401)
        #expect(try await status("/metrics", ["Authorization: Basic " + Data("rae:r".utf8).base64EncodedString()]) == 200)
        #expect(try await status("/metrics", ["Authorization: Basic " + Data("rae:x".utf8).base64EncodedString()]) == 401)
        #expect(try await status("/healthz") == 200)
        // So do the console and its API, and the API's statements run with the user's role.
        #expect(try await status("/") == 401)
        #expect(try await status("/api/v1/queries") == 401)
        #expect(try await status("/api/v1/queries", ["Authorization: Basic " + Data("rae:r".utf8).base64EncodedString()]) == 200)
        #expect(try await status("/api/v1/catalog", ["Authorization: Basic " + Data("ada:x".utf8).base64EncodedString()]) == 401)
        func post(_ user: String, _ sql: String) async throws -> String {
            let body = String(decoding: try JSONEncoder().encode(["sql": sql]), as: UTF8.self)
            return try await ClientProcess.run(
                ["curl", "-s", "-u", user, "-H", "Content-Type: application/json", "-d", body, "http://127.0.0.1:\(port)/api/v1/statements"],
                in: directory, name: "curl-\(UUID().uuidString.prefix(8))", timeout: .seconds(30)
            ).stdout
        }
        let readerCreatesOverHTTP = try await post("rae:r", "CREATE STREAM t (a INT)")
        #expect(readerCreatesOverHTTP.contains("\"code\":\"42501\""), "\(readerCreatesOverHTTP)")
        #expect(try await post("wes:w", "CREATE STREAM t (a INT)").contains("\"tag\":\"CREATE STREAM\""))
    }

    @Test func aUserHasAtMostTheGivenNumberOfConnections() async throws {
        try await ServeProcess.withArguments(["--max-connections-per-user", "1"]) { server, _ in
            _ = try await server.sql("CREATE STREAM s (a INT)")
            let holding = try await server.startPsql(["-c", "SELECT a FROM s EMIT CHANGES"])
            let raw = try RawSocket(port: server.pgPort)
            raw.send(RawSocket.startupMessage(user: "u"))
            // psql prints no SQLSTATE for a refused connection: read the ErrorResponse itself.
            let reply = try await offPool { raw.receiveAll() }
            #expect(String(decoding: reply, as: UTF8.self).contains("C53300\0"))
            raw.close()
            let refused = try await server.psql(["-c", "SELECT 1"])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("FATAL:  too many connections for role \"u\""), "\(refused.stderr)")
            #expect(try await server.psql(["-c", "SELECT 1"], user: "other").stdout == "1\n")
            // The holding psql ends when the server stops.
            _ = holding
        }
    }

    @Test func statementTimeoutCancelsPushQueries() async throws {
        try await ServeProcess.with { server, _ in
            _ = try await server.sql("CREATE STREAM s (a INT); INSERT INTO s VALUES (1)")
            for spelling in ["'1s'", "'1000'"] {
                let started = Date()
                let result = try await server.psql([
                    "-v", "VERBOSITY=verbose", "-c", "SET statement_timeout = \(spelling)", "-c", "SELECT a FROM s EMIT CHANGES",
                ])
                #expect(result.status == 1)
                #expect(result.stderr.contains("57014: canceling statement due to statement timeout"), "\(result.stderr)")
                #expect(Date().timeIntervalSince(started) < 30)
            }
            // Without it a pull query runs to its end.
            #expect(try await server.sql("SELECT a FROM s") == "1\n")
        }
    }
}
