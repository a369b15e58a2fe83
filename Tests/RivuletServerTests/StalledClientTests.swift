import Foundation
import Testing

/// A client that starts a push query and then reads nothing must not make the server buffer
/// its rows without bound, nor stop anyone else.
@Suite(.serialized)
struct StalledClientTests {
    /// The server's resident memory in bytes (VmRSS of /proc/<pid>/status).
    static func residentBytes(_ server: ServeProcess) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(line.split(separator: " ").dropFirst().first.flatMap { Int($0) })
        return kilobytes * 1024
    }

    /// Connects, starts `SELECT * FROM s EMIT CHANGES` and returns once its RowDescription came;
    /// the caller then reads nothing more.
    static func startStalledPushQuery(_ server: ServeProcess) async throws -> RawSocket {
        let port = server.pgPort
        return try await offPool { try startStalledPushQuery(port: port) }
    }

    private static func startStalledPushQuery(port: Int) throws -> RawSocket {
        let socket = try RawSocket(port: port, receiveBuffer: 4096)
        socket.send(RawSocket.startupMessage(user: "stalled"))
        _ = socket.receive(until: RawSocket.readyForQuery)
        socket.send(RawSocket.queryMessage("SELECT * FROM s EMIT CHANGES"))
        _ = socket.receive(until: [UInt8(ascii: "T")])
        return socket
    }

    static let rows = 200_000

    static func feed(_ server: ServeProcess, rows: Int) async throws {
        _ = try await server.sql("""
            CREATE STREAM gen (id BIGINT, pad VARCHAR) WITH (connector = 'datagen', 'number-of-rows' = '\(rows)',
                'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '\(rows)', 'fields.pad.length' = '500');
            INSERT INTO s SELECT id, pad FROM gen
            """)
    }

    /// How much the server's memory grows while `rows` rows are fed into `s`, with or without
    /// a push-query client that reads nothing.
    static func growth(stalled: Bool) async throws -> Int {
        try await ServeProcess.with { server, _ in
            _ = try await server.sql("CREATE STREAM s (id BIGINT, pad VARCHAR)")
            let client = stalled ? try await Self.startStalledPushQuery(server) : nil
            defer { client?.close() }
            let before = try Self.residentBytes(server)
            try await Self.feed(server, rows: Self.rows)
            // Another client sees every row arrive while the stalled one holds its query open.
            let arrived = try await ServeProcess.eventually(180) {
                try await server.psql(["-c", "SELECT COUNT(*) FROM s"]).stdout == "\(Self.rows)\n"
            }
            #expect(arrived, "\(server.stderr)")
            #expect(try await server.sql("SELECT 1") == "1\n")
            let after = try Self.residentBytes(server)
            print("server VmRSS \(before >> 20) MiB before, \(after >> 20) MiB after \(Self.rows) rows of 500 bytes (stalled client: \(stalled))")
            return after - before
        }
    }

    /// The rows (about 100 MB on the wire) would show as growth if the server buffered them for
    /// the client; the persistent query and the stream grow the same with or without it.
    @Test func memoryStaysBoundedAndOthersCarryOn() async throws {
        let baseline = try await Self.growth(stalled: false)
        let withStalled = try await Self.growth(stalled: true)
        #expect(withStalled - baseline < 64 << 20, "baseline \(baseline >> 20) MiB, with a stalled client \(withStalled >> 20) MiB")
    }

    @Test func aClientThatReadsNothingIsDisconnected() async throws {
        try await ServeProcess.withArguments(["--client-write-timeout", "2"]) { server, _ in
            _ = try await server.sql("CREATE STREAM s (id BIGINT, pad VARCHAR)")
            let stalled = try await Self.startStalledPushQuery(server)
            defer { stalled.close() }
            try await Self.feed(server, rows: 20_000)
            let logged = try await ServeProcess.eventually(60) {
                server.stderr.contains("the client read nothing for 2.0 seconds")
            }
            #expect(logged, "\(server.stderr)")
            // Reading now drains what was sent, then the end of the connection.
            let rest = try await offPool { stalled.receiveAll() }
            #expect(rest.count < 20_000 * 500, "\(rest.count) bytes")
            #expect(try await server.sql("SELECT 1") == "1\n")
        }
    }
}
