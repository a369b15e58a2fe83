import Foundation
import Testing

/// Nested values over the wire as psycopg 3 reads them: an ARRAY column arrives as a Postgres
/// array (a Python list), ROW and MAP columns as json (dicts), from a query of the current rows
/// and from a push query, in text and in binary format.
@Suite(.timeLimit(.minutes(2)))
struct NestedTypesWireTests {
    static let script = """
        import psycopg, sys
        port = int(sys.argv[1])
        def connect():
            return psycopg.connect(host="127.0.0.1", port=port, user="py", dbname="rivulet", autocommit=True)
        with connect() as conn:
            conn.execute("CREATE STREAM people (id INT, tags ARRAY<VARCHAR>, who ROW<name VARCHAR, age INT>, attrs MAP<VARCHAR, INT>)")
            conn.execute(\"\"\"INSERT INTO people VALUES
                (1, ARRAY['a b', 'c', NULL], ROW('ann', 31), MAP['x', 1]),
                (2, CAST(NULL AS ARRAY<VARCHAR>), CAST(NULL AS ROW<name VARCHAR, age INT>), CAST(NULL AS MAP<VARCHAR, INT>))\"\"\")
            cur = conn.execute("SELECT id, tags, who, attrs, ARRAY[id, id + 1] AS ids FROM people")
            print("types", [c.type_code for c in cur.description])
            for row in cur.fetchall():
                print("pull", row)
            for row in conn.cursor(binary=True).execute("SELECT id, tags, who, ARRAY[id, id + 1] AS ids FROM people"):
                print("binary", row)
            for row in conn.cursor().stream("SELECT who, tags FROM people EMIT CHANGES LIMIT 2"):
                print("push", row)
        """

    @Test func arraysAreListsAndRowsAreDicts() async throws {
        try await ServeProcess.with { server, directory in
            let (status, text) = try await PythonClient.run(Self.script, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(text)")
            #expect(text == """
                types [23, 1009, 114, 114, 1007]
                pull (1, ['a b', 'c', None], {'name': 'ann', 'age': 31}, {'x': 1}, [1, 2])
                pull (2, None, None, None, [2, 3])
                binary (1, ['a b', 'c', None], {'name': 'ann', 'age': 31}, [1, 2])
                binary (2, None, None, [2, 3])
                push ({'name': 'ann', 'age': 31}, ['a b', 'c', None])
                push (None, None)

                """, "\(text)\nserver: \(server.stderr)")
        }
    }
}
