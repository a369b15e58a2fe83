import Foundation
import NIOCore
import NIOPosix
import RivuletPGWire
import Testing

/// The server driven by the real psql client.
@Suite(.timeLimit(.minutes(2)))
struct PsqlEndToEndTests {
    @Test func selectOneReturnsItsValue() async throws {
        let result = try await withTestServer { port, _ in
            try await Psql.run(port: port, ["-c", "SELECT 1"])
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1\n")
    }

    @Test func rowsOfEveryTypeArriveInTextFormat() async throws {
        let result = try await withTestServer { port, _ in
            try await Psql.run(port: port, ["-c", "ROWS 20"])
        }
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 20)
        #expect(lines.first == "1|name 1|t|2024-01-01 00:00:01.500|1.5|1.05|2024-01-02|")
        #expect(lines.last == "20|name 20|f|2024-01-01 00:00:30.000|20.5|20.05|2024-01-21|")
    }

    @Test func columnNamesAndNullsShowInAlignedOutput() async throws {
        let result = try await withTestServer { port, _ in
            try await Psql.run(port: port, ["-P", "null=<null>", "-c", "ROWS 1"])
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("|<null>\n"))
    }

    @Test func everyStatementOfAStringAnswers() async throws {
        let result = try await withTestServer { port, _ in
            try await Psql.run(port: port, ["-c", "CREATE STREAM s (a INT); INSERT INTO s VALUES (1); SELECT 1; SET x = 1"])
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "CREATE STREAM\nINSERT 0 3\n1\nSET\n")
    }

    @Test func errorPositionBecomesACaretUnderTheWord() async throws {
        let result = try await withTestServer { port, _ in
            try await Psql.run(port: port, ["-c", "SELECT a FORM t"])
        }
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("ERROR:  expected FROM, found FORM"), "\(result.stderr)")
        let lineIndex = try #require(lines.firstIndex(of: "LINE 1: SELECT a FORM t"), "\(result.stderr)")
        #expect(lines[lineIndex + 1] == String(repeating: " ", count: "LINE 1: SELECT a ".count) + "^")
    }

    @Test func errorInALaterStatementKeepsEarlierResultsAndStopsTheRest() async throws {
        let result = try await withTestServer { port, _ in
            try await Psql.run(port: port, ["-c", "SELECT 1; SELECT a FORM t; CREATE STREAM s"])
        }
        #expect(result.status == 1)
        #expect(result.stdout == "1\n")
        #expect(result.stderr.contains("LINE 1: SELECT 1; SELECT a FORM t; CREATE STREAM s"), "\(result.stderr)")
        #expect(result.stderr.contains("\n" + String(repeating: " ", count: "LINE 1: SELECT 1; SELECT a ".count) + "^"))
    }

    @Test func cleartextPasswordIsChecked() async throws {
        try await withTestServer(authentication: .cleartextPassword(users: ["u": "secret"])) { port, _ in
            let good = try await Psql.run(port: port, password: "secret", ["-c", "SELECT 1"])
            #expect(good.status == 0, "\(good.stderr)")
            #expect(good.stdout == "1\n")
            let bad = try await Psql.run(port: port, password: "wrong", ["-c", "SELECT 1"])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("password authentication failed for user \"u\""), "\(bad.stderr)")
        }
    }

    @Test func scramPasswordIsChecked() async throws {
        try await withTestServer(authentication: .scramSHA256(users: ["u": SCRAMVerifier(password: "s3cret")])) { port, _ in
            let good = try await Psql.run(port: port, password: "s3cret", ["-c", "SELECT 1"])
            #expect(good.status == 0, "\(good.stderr)")
            #expect(good.stdout == "1\n")
            let bad = try await Psql.run(port: port, password: "wrong", ["-c", "SELECT 1"])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("password authentication failed for user \"u\""), "\(bad.stderr)")
        }
    }

    @Test func sessionRefusalReachesTheClient() async throws {
        let result = try await withTestServer { port, _ in
            try await Psql.run(port: port, database: "missing", ["-c", "SELECT 1"])
        }
        #expect(result.status == 2)
        #expect(result.stderr.contains("database \"missing\" does not exist"), "\(result.stderr)")
    }

    @Test func interruptCancelsARunningPushQuery() async throws {
        let result = try await withTestServer { port, provider in
            try await withThrowingTaskGroup(of: Psql.Result?.self) { group in
                let (processes, processSink) = AsyncStream.makeStream(of: Int32.self)
                group.addTask {
                    try await Psql.run(port: port, ["-c", "PUSH"], whenStarted: { processSink.yield($0.processIdentifier) })
                }
                group.addTask {
                    var pids = processes.makeAsyncIterator()
                    let pid = await pids.next()!
                    // Wait until the server has the push query running, then press Ctrl-C: psql
                    // registered the query for cancelling before it sent it.
                    let deadline = ContinuousClock.now + .seconds(20)
                    while provider.sessions.withLock({ $0.isEmpty }) {
                        guard ContinuousClock.now < deadline else {
                            Issue.record("psql never opened a session")
                            kill(pid, SIGKILL)
                            return nil
                        }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    let session = provider.sessions.withLock { $0[0] }
                    var events = session.events.makeAsyncIterator()
                    while let event = await events.next(), event != "push started" {}
                    kill(pid, SIGINT)
                    return nil
                }
                var psql: Psql.Result?
                for try await result in group { if let result { psql = result } }
                return try #require(psql)
            }
        }
        #expect(result.status == 1)
        #expect(result.stderr.contains("canceling statement due to user request"), "\(result.stderr)")
    }

    @Test func garbageClosesOnlyThatConnection() async throws {
        try await withTestServer { port, _ in
            let reply = try await Self.sendRaw(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), port: port)
            #expect(reply.first == UInt8(ascii: "E"))
            #expect(String(decoding: reply, as: UTF8.self).contains("08P01"))
            let result = try await Psql.run(port: port, ["-c", "SELECT 1"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "1\n")
        }
    }

    @Test func garbageAfterStartupClosesTheConnection() async throws {
        try await withTestServer { port, _ in
            var bytes = FrontendBytes.startup(["user": "u", "database": "rivulet"])
            bytes += [UInt8(ascii: "?"), 0, 0, 0, 4]
            let reply = try await Self.sendRaw(bytes, port: port)
            let text = String(decoding: reply, as: UTF8.self)
            #expect(text.contains("server_version"))
            #expect(text.contains("08P01"))
            #expect(text.contains("invalid frontend message type 63"))
        }
    }

    /// Writes `bytes` on a new connection and returns everything the server sends until it closes.
    static func sendRaw(_ bytes: [UInt8], port: Int) async throws -> [UInt8] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var received: [UInt8] = []
            for try await chunk in inbound { received += Array(chunk.readableBytesView) }
            return received
        }
    }
}
