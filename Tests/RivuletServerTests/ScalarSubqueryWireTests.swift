import Foundation
import Testing

/// A scalar subquery over the wire answers as Postgres's does: its one row's value, NULL for
/// no row, and for more than one row an error with SQLSTATE 21000, after which the session
/// goes on.
@Suite(.timeLimit(.minutes(2)))
struct ScalarSubqueryWireTests {
    static let script = """
        import psycopg, sys
        conn = psycopg.connect(host="127.0.0.1", port=int(sys.argv[1]), user="me", dbname="rivulet", autocommit=True)
        conn.execute("CREATE STREAM orders (id BIGINT, sku VARCHAR)")
        conn.execute("CREATE STREAM prices (sku VARCHAR, price INT)")
        conn.execute("INSERT INTO orders VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        conn.execute("INSERT INTO prices VALUES ('a', 10), ('b', 20), ('b', 21)")
        lookup = "SELECT id, (SELECT price FROM prices p WHERE p.sku = o.sku) AS price FROM orders o WHERE id <> %s"
        print("one or none", sorted(conn.execute(lookup, (2,)).fetchall()))
        for label, params in (("two rows", (1,)), ("uncorrelated", None)):
            sql = lookup if params else "SELECT id, (SELECT price FROM prices) FROM orders"
            try:
                conn.execute(sql, params).fetchall()
                print(label, "no error")
            except psycopg.Error as error:
                print(label, error.sqlstate, error.diag.message_primary)
        print("after", conn.execute("SELECT count(*) FROM orders").fetchone())
        """

    @Test func moreThanOneRowIsErrorCardinalityViolation() async throws {
        try await ServeProcess.with { server, directory in
            let (status, text) = try await PythonClient.run(Self.script, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(text)")
            #expect(text == """
                one or none [(1, 10), (3, None)]
                two rows 21000 more than one row returned by a subquery used as an expression
                uncorrelated 21000 more than one row returned by a subquery used as an expression
                after (3,)

                """, "\(text)\nserver: \(server.stderr)")
        }
    }
}
