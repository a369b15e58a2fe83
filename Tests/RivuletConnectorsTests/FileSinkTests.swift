import RivuletConnectors
import RivuletCore
import RivuletRuntime
import Testing

@Suite struct FileSinkTests {
    let types: [SQLType] = [.bigint, .timestamp3, .double, .decimal(precision: 10, scale: 2), .varchar, .boolean, .date]
    var fields: [Field] { zip(["a", "ts", "d", "m", "s", "b", "day"], types).map { Field($0, $1) } }

    @Test func writesFlinkStyleCSVIntoAPartFile() throws {
        let dir = try TempDirectory()
        let t = relation(fields, "filesystem", ["path": "out", "format": "csv"])
        let writer = try sink(t, context: dir.context)
        try writer.write(batch(types, [
            [.int(1000), .timestamp(TimeFormat.parseTimestamp("2024-01-01 12:00:05.28")!), .double(745264.4),
             .decimal(unscaled: 1250, scale: 2), .string("plain"), .boolean(true), .date(0)],
            [.int(-1), .timestamp(TimeFormat.parseTimestamp("2024-01-01 11:59:50")!), .double(1e7),
             .decimal(unscaled: -5, scale: 2), .string("a,\"b\""), .boolean(false), .date(19723)],
            [.null, .null, .double(0.0001), .null, .string(""), .null, .null],
        ]))
        try writer.close()
        let parts = try dir.files(in: "out")
        #expect(parts.count == 1)
        #expect(parts[0].hasPrefix("part-") && parts[0].hasSuffix("-0.csv"))
        let text = try dir.read("out/" + parts[0])
        // What Flink writes for these values (timestamps with milliseconds, Java's double text).
        #expect(text == #"""
            1000,2024-01-01 12:00:05.280,745264.4,12.50,plain,true,1970-01-01
            -1,2024-01-01 11:59:50.000,1.0E7,-0.05,"a,""b""",false,2024-01-01
            ,,1.0E-4,,"",,

            """#)
    }

    @Test func csvOutputReadsBackAsTheSameRows() throws {
        let dir = try TempDirectory()
        let t = relation(fields, "filesystem", ["path": "rt", "format": "csv"])
        let rows: [[Value]] = [
            [.int(7), .timestamp(1_704_110_400_123), .double(7041243.939637827), .decimal(unscaled: 1, scale: 2),
             .string("x\ny"), .boolean(true), .date(1)],
            [.null, .null, .null, .null, .string("tail "), .null, .null],
        ]
        let writer = try sink(t, context: dir.context)
        try writer.write(batch(types, rows))
        try writer.close()
        #expect(try readAll(try source(t, context: dir.context), types: types) == rows)
    }

    @Test func jsonLinesRoundTrip() throws {
        let dir = try TempDirectory()
        let t = relation(fields, "filesystem", ["path": "j", "format": "json"])
        let rows: [[Value]] = [
            [.int(7), .timestamp(1_704_110_400_123), .double(0.5), .decimal(unscaled: 1234, scale: 2), .string("q\"\\\n"),
             .boolean(false), .date(3)],
            [.null, .null, .null, .null, .null, .null, .null],
        ]
        let writer = try sink(t, context: dir.context)
        try writer.write(batch(types, rows))
        try writer.close()
        let part = try dir.files(in: "j")[0]
        #expect(try dir.read("j/" + part).hasPrefix(#"{"a":7,"ts":"2024-01-01 12:00:00.123","d":0.5,"m":12.34,"s":"q\"\\\n","b":false,"day":"1970-01-04"}"#))
        #expect(try readAll(try source(t, context: dir.context), types: types) == rows)
    }

    @Test func changelogRowsAreRefused() throws {
        let dir = try TempDirectory()
        let t = relation([Field("a", .bigint)], "filesystem", ["path": "out", "format": "csv"])
        let writer = try sink(t, context: dir.context)
        let error = sqlError { try writer.write(batch([.bigint], [[.int(1)], [.int(1)]], kinds: [.insert, .updateBefore])) }
        #expect(error?.message.contains("append-only") == true)
        #expect(error?.message.contains("-U") == true)
    }

    @Test func blackholeCountsRows() throws {
        let dir = try TempDirectory()
        let t = relation([Field("a", .bigint)], "blackhole", [:])
        let writer = try sink(t, context: dir.context)
        try writer.write(batch([.bigint], [[.int(1)], [.int(2)]]))
        try writer.write(batch([.bigint], [[.int(3)]], kinds: [.delete]))
        let hole = try #require(writer as? BlackholeSink)
        #expect(hole.rowCount == 3)
        #expect(hole.changeCount == 1)
    }
}
