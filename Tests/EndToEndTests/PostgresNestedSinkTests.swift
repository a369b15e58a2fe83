import Foundation
import TestBrokers
import Testing

/// A Postgres sink creates native arrays for ARRAY columns and jsonb for ROW and MAP, and
/// Postgres reads what it wrote with its own operators.
@Suite struct PostgresNestedSinkTests {
    @Test(.enabled(if: PostgresServer.isAvailable, "needs the Debian postgresql package"))
    func arraysAreNativeAndRowsAreJSONB() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let server = try PostgresServer()
            let script = folder.appendingPathComponent("nested.sql")
            try """
                CREATE STREAM orders (id BIGINT, tags ARRAY<VARCHAR>, qty ARRAY<INT>, buyer ROW<name VARCHAR, city VARCHAR>, attrs MAP<VARCHAR, INT>);
                INSERT INTO orders VALUES
                  (1, ARRAY['a b', 'c', NULL], ARRAY[1, 2], ROW('ann', 'Oslo'), MAP['x', 1]),
                  (2, CAST(NULL AS ARRAY<VARCHAR>), ARRAY[3], ROW('bo', CAST(NULL AS VARCHAR)), CAST(NULL AS MAP<VARCHAR, INT>));
                CREATE TABLE out_orders (id BIGINT, tags ARRAY<VARCHAR>, qty ARRAY<INT>, buyer ROW<name VARCHAR, city VARCHAR>,
                  attrs MAP<VARCHAR, INT>, PRIMARY KEY (id) NOT ENFORCED)
                  WITH ('connector' = 'postgres', 'url' = '\(server.url)', 'table' = 'out_orders');
                INSERT INTO out_orders SELECT * FROM orders;
                """.write(to: script, atomically: true, encoding: .utf8)
            let run = try RivuletProcess.run(["run", script.path])
            #expect(run.status == 0, "\(run.stderr)")
            let rows = try server.rows("""
                SELECT id, tags[2], array_length(tags, 1), qty[1] + qty[2], buyer->>'name', buyer->'city', attrs->>'x',
                       pg_typeof(tags), pg_typeof(buyer) FROM out_orders ORDER BY id
                """)
            #expect(rows == ["1|c|3|3|ann|\"Oslo\"|1|text[]|jsonb", "2||||bo|null||text[]|jsonb"], "\(rows)")
        }
    }
}
