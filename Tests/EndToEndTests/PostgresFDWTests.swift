import Foundation
import TestBrokers
import Testing

/// A real Postgres reads Rivulet's tables through postgres_fdw: IMPORT FOREIGN SCHEMA reads
/// Rivulet's system catalog, and a SELECT with a WHERE is sent to Rivulet with the WHERE
/// pushed down (postgres_fdw reads it through DECLARE and FETCH).
@Suite(.timeLimit(.minutes(2)))
struct PostgresFDWTests {
    static let boot = """
        CREATE STREAM clicks (user_id BIGINT, page VARCHAR);
        INSERT INTO clicks VALUES (1, 'home'), (2, 'cart'), (1, 'home');
        CREATE TABLE counts AS SELECT page, COUNT(*) AS n FROM clicks GROUP BY page;
        """

    @Test func postgresImportsTheSchemaAndPushesItsWhereDown() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let postgres = try PostgresServer()
            let boot = folder.appendingPathComponent("boot.sql")
            try Self.boot.write(to: boot, atomically: true, encoding: .utf8)
            let rivulet = try ServedRivulet(boot: boot, in: folder)
            defer { rivulet.stop() }

            _ = try postgres.rows("""
                CREATE EXTENSION postgres_fdw;
                CREATE SERVER rivulet FOREIGN DATA WRAPPER postgres_fdw
                    OPTIONS (host '127.0.0.1', port '\(rivulet.port)', dbname 'rivulet');
                CREATE USER MAPPING FOR CURRENT_USER SERVER rivulet OPTIONS (user 'postgres_fdw');
                CREATE SCHEMA streaming;
                IMPORT FOREIGN SCHEMA public FROM SERVER rivulet INTO streaming;
                """)
            #expect(try postgres.rows("""
                SELECT table_name, column_name, data_type FROM information_schema.columns
                WHERE table_schema = 'streaming' ORDER BY table_name, ordinal_position
                """) == ["clicks|user_id|bigint", "clicks|page|character varying", "counts|page|character varying", "counts|n|bigint"])
            let plan = try postgres.rows("EXPLAIN (VERBOSE, COSTS OFF) SELECT n FROM streaming.counts WHERE page = 'home'")
            #expect(plan.contains { $0.contains("Remote SQL: SELECT n FROM public.counts WHERE ((page = 'home'))") }, "\(plan)")
            // The table is filled by a query that started at boot: wait until it has counted both clicks.
            let deadline = Date().addingTimeInterval(20)
            var home = try postgres.rows("SELECT n FROM streaming.counts WHERE page = 'home'")
            while home != ["2"], Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
                home = try postgres.rows("SELECT n FROM streaming.counts WHERE page = 'home'")
            }
            #expect(home == ["2"], "\(rivulet.stderr)")
            #expect(try postgres.rows("SELECT user_id, page FROM streaming.clicks WHERE user_id = 1") == ["1|home", "1|home"])
        }
    }
}

/// `rivulet serve` with a boot file on a free port, stopped with SIGTERM.
private final class ServedRivulet {
    let process = Process()
    let port: Int
    private let stdoutURL: URL
    private let stderrURL: URL

    init(boot: URL, in folder: URL) throws {
        stdoutURL = folder.appendingPathComponent("serve.out")
        stderrURL = folder.appendingPathComponent("serve.err")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = RivuletProcess.executable
        process.arguments = [
            "serve", boot.path, "--data-dir", folder.appendingPathComponent("data").path, "--pg-port", "0",
            "--http-port", "0",
        ]
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        // It prints its port once it accepts connections.
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while found == nil, process.isRunning, Date() < deadline {
            let text = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
            found = text.split(separator: "\n").first { $0.hasPrefix("pgwire listening on ") }
                .flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
            if found == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let found else {
            process.terminate()
            let errors = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            throw PostgresServer.Failure(message: "rivulet serve did not start: \(errors)")
        }
        port = found
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
