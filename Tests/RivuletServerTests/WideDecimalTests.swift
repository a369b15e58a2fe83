import Foundation
import Testing

/// DECIMALs of more than 18 digits, end to end: written by a driver as parameters, computed
/// with Flink's result types (`amount * 2` of a DECIMAL(38, 10) is DECIMAL(38, 6), so the ledger
/// keeps 6 of its 10 fraction digits), grouped by, summed into a table that survives a restart,
/// written to SQLite, and read back by psycopg in text and in binary as Python's `Decimal`.
@Suite(.timeLimit(.minutes(3)))
struct WideDecimalTests {
    static let definitions = """
        CREATE STREAM tx (account DECIMAL(30, 10), amount DECIMAL(38, 10));
        INSERT INTO tx VALUES (12345678901234567890.5, 1234567890123456789012345.0000000001),
          (12345678901234567890.5, 0.0000000009), (1, -99999999999999999999.9999999999);
        CREATE TABLE ledger (account VARCHAR, total DECIMAL(38, 10), PRIMARY KEY (account) NOT ENFORCED)
          WITH ('connector' = 'sqlite', 'path' = 'ledger.db');
        """

    static let script = """
        import psycopg, sqlite3, sys, time
        from decimal import Decimal
        conn = psycopg.connect(host="127.0.0.1", port=int(sys.argv[1]), autocommit=True)
        # A Decimal parameter of 28 digits, bound in binary as psycopg sends numerics.
        conn.cursor(binary=True).execute("INSERT INTO tx VALUES (%s, %s)", (Decimal("1"), Decimal("123456789012345678.9012345678")))
        def ledger():
            return sqlite3.connect(sys.argv[2]).execute("SELECT account, total FROM ledger ORDER BY account").fetchall()
        # The persistent queries take the new row in their next step.
        deadline = time.monotonic() + 30
        while conn.execute("SELECT n FROM totals WHERE account = 1").fetchall() != [(2,)] or ledger()[:1] != [("1.0000000000", "246913578024691357.8024690000")]:
            assert time.monotonic() < deadline, "the restarted queries never took the new row"
            time.sleep(0.05)
        for binary in (False, True):
            cur = conn.cursor(binary=binary)
            cur.execute("SELECT account, total, mean, smallest, largest, n FROM totals ORDER BY account")
            print("binary" if binary else "text", cur.fetchall())
        cur = conn.execute("SELECT CAST(12345678.12 AS DECIMAL(10, 2)) / 3, 0.908 * 1234567890123456789")
        print("types", cur.fetchall())
        print("sqlite", ledger())
        """

    @Test func wideDecimalsComputeGroupSurviveARestartAndReachDrivers() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let server = try await ServeProcess.start(dataDirectory: directory)
            _ = try await server.sql(Self.definitions)
            _ = try await server.sql("""
                CREATE TABLE totals AS SELECT account, SUM(amount) AS total, AVG(amount) AS mean, MIN(amount) AS smallest,
                  MAX(amount) AS largest, COUNT(*) AS n FROM tx GROUP BY account
                """)
            _ = try await server.sql("INSERT INTO ledger SELECT CAST(account AS VARCHAR), amount * 2 FROM tx")
            #expect(try await ServeProcess.eventually { try await server.sql("SELECT n FROM totals ORDER BY account") == "1\n2\n" })
            #expect(await server.stop() == 0)
        }
        let server = try await ServeProcess.start(dataDirectory: directory)
        defer { server.kill() }
        let (status, text) = try await PythonClient.run(
            Self.script, arguments: [String(server.pgPort), directory.appendingPathComponent("ledger.db").path], in: directory)
        #expect(status == 0, "\(text)\nserver: \(server.stderr)")
        // After the restart, the new row adds to the sums the checkpoint kept for account 1.
        let totals = """
            [(Decimal('1.0000000000'), Decimal('-99876543210987654321.0987654321'), Decimal('-49938271605493827160.5493827161'), \
            Decimal('-99999999999999999999.9999999999'), Decimal('123456789012345678.9012345678'), 2), \
            (Decimal('12345678901234567890.5000000000'), Decimal('1234567890123456789012345.0000000010'), \
            Decimal('617283945061728394506172.5000000005'), Decimal('9E-10'), Decimal('1234567890123456789012345.0000000001'), 2)]
            """
        #expect(text == """
            text \(totals)
            binary \(totals)
            types [(Decimal('4115226.0400000000000'), Decimal('1120987644232098764.412'))]
            sqlite [('1.0000000000', '246913578024691357.8024690000'), ('12345678901234567890.5000000000', '0.0000000000')]

            """, "\(text)\nserver: \(server.stderr)")
    }
}
