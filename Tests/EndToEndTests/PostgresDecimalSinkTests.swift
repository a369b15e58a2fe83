import Foundation
import TestBrokers
import Testing

/// A Postgres sink writes DECIMALs of every width, up to 38 digits, to `numeric(p, s)` columns
/// to their last digit, and Postgres computes with what it reads.
@Suite struct PostgresDecimalSinkTests {
    @Test(.enabled(if: PostgresServer.isAvailable, "needs the Debian postgresql package"))
    func wideDecimalsArriveToTheirLastDigit() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let server = try PostgresServer()
            let script = folder.appendingPathComponent("decimals.sql")
            try """
                CREATE STREAM payments (id BIGINT, amount DECIMAL(38, 10), fee DECIMAL(6, 2));
                INSERT INTO payments VALUES
                  (1, 1234567890123456789012345678.0123456789, 1.25),
                  (2, -0.0000000001, 0),
                  (3, CAST(NULL AS DECIMAL(38, 10)), 9999.99);
                CREATE TABLE ledger (id BIGINT, amount DECIMAL(38, 10), net DECIMAL(38, 10), fee DECIMAL(6, 2),
                  PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'postgres', 'url' = '\(server.url)', 'table' = 'ledger');
                INSERT INTO ledger SELECT id, amount, amount - fee, fee FROM payments;
                """.write(to: script, atomically: true, encoding: .utf8)
            let run = try RivuletProcess.run(["run", script.path])
            #expect(run.status == 0, "\(run.stderr)")
            let rows = try server.rows("""
                SELECT id, amount, net, amount * 10, fee, format_type(atttypid, atttypmod)
                  FROM ledger JOIN pg_attribute ON attrelid = 'ledger'::regclass AND attname = 'amount' ORDER BY id
                """)
            #expect(rows == [
                // `amount - fee` is DECIMAL(38, 9) by Flink's rules (39 digits cut to 38): its tenth digit rounded.
                "1|1234567890123456789012345678.0123456789|1234567890123456789012345676.7623456790|12345678901234567890123456780.1234567890|1.25|numeric(38,10)",
                "2|-0.0000000001|0.0000000000|-0.0000000010|0.00|numeric(38,10)",
                "3||||9999.99|numeric(38,10)",
            ], "\(rows)")
        }
    }
}
