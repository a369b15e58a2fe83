import RivuletConnectors
import RivuletCore
import RivuletRuntime
import Testing

@Suite struct JSONLinesTests {
    @Test func decodesFlatObjectsMatchingNamesIgnoringCase() throws {
        let dir = try TempDirectory()
        try dir.write("e.json", #"""
            {"ID": 1, "name": "a \"q\" \u00e9", "price": 12.5, "ts": "2024-01-01 12:00:00.5", "ok": true, "tags": [1, {"x": 2}]}
            {"id": 2, "unknown": {"deep": [1,2]}, "ts": 1704110400000}
              
            {"id": 3, "name": null, "price": "7", "ok": false}
            """#)
        let t = relation(
            [Field("id", .bigint), Field("name", .varchar), Field("price", .decimal(precision: 10, scale: 2)),
             Field("ts", .timestamp3), Field("ok", .boolean), Field("tags", .varchar)],
            "filesystem", ["path": "e.json", "format": "json"])
        let rows = try readAll(try source(t, context: dir.context), types: t.schema.types)
        #expect(rows.count == 3)
        #expect(rows[0] == [
            .int(1), .string("a \"q\" é"), .decimal(unscaled: 1250, scale: 2),
            .timestamp(TimeFormat.parseTimestamp("2024-01-01 12:00:00.500")!), .boolean(true), .string(#"[1, {"x": 2}]"#),
        ])
        #expect(rows[1] == [.int(2), .null, .null, .timestamp(1_704_110_400_000), .null, .null])
        #expect(rows[2] == [.int(3), .null, .decimal(unscaled: 700, scale: 2), .null, .boolean(false), .null])
    }

    @Test func malformedLinesAreLogged() throws {
        let dir = try TempDirectory()
        try dir.write("e.jsonl", "{\"id\": 1}\n{\"id\": \"x\"}\nnot json\n{\"id\": 4\n{\"id\": 5}\n")
        let context = dir.context
        let t = relation([Field("id", .bigint)], "file", ["path": "e.jsonl"])  // format from the extension
        let rows = try readAll(try source(t, context: context), types: t.schema.types)
        #expect(rows == [[.int(1)], [.int(5)]])
        #expect(context.badRecords.entries.map(\.position) == ["\(dir.path)/e.jsonl:2", "\(dir.path)/e.jsonl:3", "\(dir.path)/e.jsonl:4"])
    }
}
