import CSQLite
import RivuletConnectors
import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

/// Nested columns through the formats and sinks: JSON reads and writes them, CSV refuses them
/// when declared, SQLite stores them as JSON text.
@Suite struct NestedFormatTests {
    static let person = SQLType.row([RowField("name", .varchar), RowField("emails", .array(.varchar))])
    static let fields = [Field("id", .bigint), Field("person", person), Field("scores", .map(key: .varchar, value: .double))]
    static var types: [SQLType] { fields.map(\.type) }

    @Test func jsonReadsNestedObjectsAndArraysIntoTheirColumns() throws {
        let dir = try TempDirectory()
        try dir.write("p.json", #"""
            {"id": 1, "person": {"name": "ann", "emails": ["a@x", null]}, "scores": {"math": 1.5, "art": 2}}
            {"id": 2, "person": {"NAME": "bo"}, "scores": {}}
            {"id": 3, "person": null}
            {"id": 4, "person": {"name": "cy", "emails": "not an array"}}
            {"id": 5, "person": {"name": "di", "emails": []}, "scores": null}
            """#)
        let context = dir.context
        let t = relation(Self.fields, "filesystem", ["path": "p.json", "format": "json"])
        let rows = try readAll(try source(t, context: context), types: Self.types)
        #expect(rows == [
            [.int(1), .row([.string("ann"), .array([.string("a@x"), .null])]),
             .map(keys: [.string("math"), .string("art")], values: [.double(1.5), .double(2)])],
            [.int(2), .row([.string("bo"), .null]), .map(keys: [], values: [])],
            [.int(3), .null, .null],
            [.int(5), .row([.string("di"), .array([])]), .null],
        ])
        // A value of the wrong shape is a bad record, named by its line.
        #expect(context.badRecords.entries.map(\.position) == ["\(dir.path)/p.json:4"])
    }

    @Test func jsonWritesNestedValuesAndReadsThemBack() throws {
        let dir = try TempDirectory()
        let t = relation(Self.fields, "filesystem", ["path": "out", "format": "json"])
        let rows: [[Value]] = [
            [.int(1), .row([.string("ann"), .array([.string("a@x"), .null])]), .map(keys: [.string("m")], values: [.double(0.5)])],
            [.int(2), .row([.null, .null]), .null],
        ]
        let writer = try sink(t, context: dir.context)
        try writer.write(batch(Self.types, rows))
        try writer.close()
        let part = try dir.files(in: "out")[0]
        #expect(try dir.read("out/" + part) == """
            {"id":1,"person":{"name":"ann","emails":["a@x",null]},"scores":{"m":0.5}}
            {"id":2,"person":{"name":null,"emails":null},"scores":null}

            """)
        #expect(try readAll(try source(t, context: dir.context), types: Self.types) == rows)
    }

    @Test func csvRefusesNestedColumnsWhenDeclared() throws {
        let dir = try TempDirectory()
        let t = relation(Self.fields, "filesystem", ["path": "p.csv", "format": "csv"])
        let error = sqlError { _ = try source(t, context: dir.context) }
        #expect(error?.state == .featureNotSupported)
        #expect(error?.message == "column 'person' is ROW<name VARCHAR, emails ARRAY<VARCHAR>>: the csv format cannot hold nested values")
        #expect(error?.hint == "use format 'json'")
        #expect(sqlError { _ = try sink(t, context: dir.context) }?.state == .featureNotSupported)
    }

    @Test func sqliteStoresNestedValuesAsJSONText() throws {
        let dir = try TempDirectory()
        let t = relation("people", Self.fields, "sqlite", ["path": "out.db", "table": "people"], kind: .table, primaryKey: [0])
        let writer = try sink(t, context: dir.context)
        try writer.write(batch(Self.types, [
            [.int(1), .row([.string("ann"), .array([.string("a@x")])]), .map(keys: [.string("m")], values: [.double(2)])],
            [.int(2), .null, .map(keys: [], values: [])],
        ]))
        try writer.close()
        var db: OpaquePointer?
        #expect(sqlite3_open(dir.path + "/out.db", &db) == SQLITE_OK)
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        // SQLite's own JSON functions read what the sink stored.
        let sql = "SELECT id, json_extract(person, '$.emails[0]'), scores, typeof(person) FROM people ORDER BY id"
        #expect(sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK)
        defer { sqlite3_finalize(statement) }
        var rows: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append((0..<4).map { c in
                sqlite3_column_type(statement, c) == SQLITE_NULL ? "NULL" : String(cString: sqlite3_column_text(statement, c))
            }.joined(separator: "|"))
        }
        #expect(rows == [#"1|a@x|{"m":2.0}|text"#, "2|NULL|{}|null"])
    }
}
