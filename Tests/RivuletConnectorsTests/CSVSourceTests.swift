import RivuletConnectors
import RivuletCore
import RivuletRuntime
import Testing

@Suite struct CSVSourceTests {
    let allTypes = [
        Field("b", .boolean), Field("i", .integer), Field("l", .bigint), Field("d", .double),
        Field("m", .decimal(precision: 10, scale: 2)), Field("s", .varchar), Field("ts", .timestamp3), Field("day", .date),
    ]

    @Test func decodesEveryTypeAndNulls() throws {
        let dir = try TempDirectory()
        try dir.write("a.csv", """
            true,1,9000000000,1.5,12.34,hello,2024-01-01 12:00:00.123,2024-02-29
            FALSE,-2,-3,1e3,-0.5,,2024-01-01 12:00:01,1970-01-01
            ,,,,,"",,

            """)
        let t = relation(allTypes, "filesystem", ["path": "a.csv", "format": "csv"])
        let rows = try readAll(try source(t, context: dir.context), types: t.schema.types)
        #expect(rows.count == 3)
        #expect(rows[0] == [
            .boolean(true), .int(1), .int(9_000_000_000), .double(1.5), .decimal(unscaled: 1234, scale: 2), .string("hello"),
            .timestamp(TimeFormat.parseTimestamp("2024-01-01 12:00:00.123")!), .date(TimeFormat.parseDate("2024-02-29")!),
        ])
        #expect(rows[1] == [
            .boolean(false), .int(-2), .int(-3), .double(1000), .decimal(unscaled: -50, scale: 2), .string(""),
            .timestamp(TimeFormat.parseTimestamp("2024-01-01 12:00:01")!), .date(0),
        ])
        // Empty unquoted fields are NULL except for VARCHAR, where "" (quoted or not) is the empty string.
        #expect(rows[2] == [.null, .null, .null, .null, .null, .string(""), .null, .null])
    }

    @Test func reportsTheShareOfItsFilesRead() throws {
        let dir = try TempDirectory()
        try dir.write("in/a.csv", (1...100).map { "\($0)" }.joined(separator: "\n") + "\n")
        try dir.write("in/b.csv", (101...150).map { "\($0)" }.joined(separator: "\n") + "\n")
        let t = relation([Field("n", .integer)], "filesystem", ["path": "in", "format": "csv"])
        let reader = try #require(try source(t, context: dir.context) as? any ProgressReportingSource)
        let total = Int64((1...150).map { "\($0)\n".utf8.count }.reduce(0, +))
        #expect(reader.inputProgress == InputProgress(read: 0, total: total))
        var shares: [Int64] = []
        while let batch = try reader.nextBatch(maxRows: 40) {
            shares.append(try #require(reader.inputProgress).read)
            if batch.count == 0 { break }
        }
        #expect(shares == shares.sorted() && shares.count >= 4, "\(shares)")
        #expect(reader.inputProgress == InputProgress(read: total, total: total))
        // 40 rows of 1- and 2-digit numbers, then 3-digit ones: the bytes of the rows returned.
        #expect(shares.first == Int64((1...40).map { "\($0)\n".utf8.count }.reduce(0, +)))
    }

    /// Fields of every length from 0 to 40 (the decoder scans eight bytes at a time), each
    /// followed by a delimiter or a line end at every offset within a word.
    @Test func fieldsOfEveryLengthSplitAtTheRightPlace() throws {
        let dir = try TempDirectory()
        var text = ""
        var expected: [[Value]] = []
        for length in 0...40 {
            let a = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            let b = String(repeating: "z", count: (length * 7) % 13)
            text += "\(length),\(a),\(b)\n"
            expected.append([.int(Int64(length)), .string(a), .string(b)])
        }
        try dir.write("w.csv", text)
        let t = relation([Field("n", .bigint), Field("a", .varchar), Field("b", .varchar)], "filesystem", ["path": "w.csv", "format": "csv"])
        let rows = try readAll(try source(t, context: dir.context), types: t.schema.types)
        #expect(rows == expected)
    }

    @Test func quotingAndCRLF() throws {
        let dir = try TempDirectory()
        try dir.write("q.csv", "1,\"a, \"\"quoted\"\" value\"\r\n2,\"two\nlines\"\r\n3,plain\r\n")
        let t = relation([Field("id", .bigint), Field("s", .varchar)], "file", ["path": "q.csv", "format": "csv"])
        let rows = try readAll(try source(t, context: dir.context), types: t.schema.types)
        #expect(rows == [
            [.int(1), .string("a, \"quoted\" value")], [.int(2), .string("two\nlines")], [.int(3), .string("plain")],
        ])
    }

    @Test func nullLiteralDelimiterAndHeader() throws {
        let dir = try TempDirectory()
        try dir.write("h.csv", "id|name\n1|\\N\n2|bob\n")
        let t = relation(
            [Field("id", .bigint), Field("name", .varchar)], "filesystem",
            ["path": "h.csv", "format": "csv", "header": "true", "csv.field-delimiter": "|", "csv.null-literal": "\\N"])
        let rows = try readAll(try source(t, context: dir.context), types: t.schema.types)
        #expect(rows == [[.int(1), .null], [.int(2), .string("bob")]])
    }

    @Test func directoryOfPartFilesInNameOrderSkippingHiddenFiles() throws {
        let dir = try TempDirectory()
        try dir.write("bids/part-1.csv", "3\n4\n")
        try dir.write("bids/part-0.csv", "1\n2")  // no final line end
        try dir.write("bids/.part-2.csv.inprogress", "99\n")
        try dir.write("bids/_SUCCESS", "99\n")
        let t = relation([Field("n", .bigint)], "filesystem", ["path": "bids", "format": "csv"])
        let rows = try readAll(try source(t, context: dir.context), types: t.schema.types, maxRows: 3)
        #expect(rows == [[.int(1)], [.int(2)], [.int(3)], [.int(4)]])
    }

    @Test func projectionMaterializesOnlyRequestedColumnsInRequestedOrder() throws {
        let dir = try TempDirectory()
        try dir.write("bid.csv", """
            1000,1001,42868,Google,https://www.nexmark.com/a/b/item.htm?query=1,2024-01-01 12:00:00.040,zsirzggbv
            1001,1000,3059,channel-2757,https://www.nexmark.com/c/d/item.htm?query=1&channel_id=2757,2024-01-01 12:00:00.050,eag

            """)
        let t = relation(bidFields, "filesystem", ["path": "bid.csv", "format": "csv"])
        let reader = try source(t, columns: [5, 2], context: dir.context)
        let batch = try #require(try reader.nextBatch(maxRows: 100))
        #expect(batch.columns.count == 2)
        #expect(batch.row(0, types: [.timestamp3, .bigint]) == [.timestamp(TimeFormat.parseTimestamp("2024-01-01 12:00:00.040")!), .int(42868)])
        #expect(batch.row(1, types: [.timestamp3, .bigint])[1] == .int(3059))
        #expect(try reader.nextBatch(maxRows: 100) == nil)
    }

    @Test func badRecordsAreSkippedAndLoggedWithPositionAndReason() throws {
        let dir = try TempDirectory()
        try dir.write("in.csv", "1,2024-01-01 00:00:00\nx,2024-01-01 00:00:00\n3\n4,not a time\n5,2024-01-01 00:00:05\n6,\"open\n")
        let context = dir.context
        let t = relation([Field("n", .bigint), Field("ts", .timestamp3)], "filesystem", ["path": "in.csv", "format": "csv"], )
        let rows = try readAll(try source(t, context: context), types: t.schema.types)
        #expect(rows.map { $0[0] } == [.int(1), .int(5)])
        let entries = context.badRecords.entries
        #expect(context.badRecords.count == 4)
        #expect(entries.map(\.position) == ["\(dir.path)/in.csv:2", "\(dir.path)/in.csv:3", "\(dir.path)/in.csv:4", "\(dir.path)/in.csv:6"])
        #expect(entries[0].source == "t")
        #expect(entries[0].rawText == "x,2024-01-01 00:00:00")
        #expect(entries[0].reason.contains("column 'n'"))
        #expect(entries[1].reason == "expected 2 fields, found 1")
        #expect(entries[2].reason.contains("TIMESTAMP"))
        #expect(entries[3].reason.contains("unterminated"))
    }

    @Test func ignoreParseErrorsTurnsBadFieldsIntoNulls() throws {
        let dir = try TempDirectory()
        try dir.write("in.csv", "1,a\nx,b\n")
        let context = dir.context
        let t = relation(
            [Field("n", .bigint), Field("s", .varchar)], "filesystem",
            ["path": "in.csv", "format": "csv", "csv.ignore-parse-errors": "true"])
        let rows = try readAll(try source(t, context: context), types: t.schema.types)
        #expect(rows == [[.int(1), .string("a")], [.null, .string("b")]])
        #expect(context.badRecords.count == 0)
    }

    @Test func onErrorFailStopsAtTheFirstBadRecord() throws {
        let dir = try TempDirectory()
        try dir.write("in.csv", "1\nx\n")
        let t = relation([Field("n", .bigint)], "filesystem", ["path": "in.csv", "format": "csv", "on-error": "fail"])
        let reader = try source(t, context: dir.context)
        let error = sqlError { _ = try readAll(reader, types: t.schema.types) }
        #expect(error?.message.contains("in.csv:2") == true)
    }

    @Test func recordsLongerThanTheReadBufferSurviveChunkBoundaries() throws {
        let dir = try TempDirectory()
        var text = ""
        for i in 0..<200_000 { text += "\(i),\"v\(i),x\"\n" }
        try dir.write("big.csv", text)
        let t = relation([Field("n", .bigint), Field("s", .varchar)], "filesystem", ["path": "big.csv", "format": "csv"])
        let rows = try readAll(try source(t, context: dir.context), types: t.schema.types, maxRows: 7777)
        #expect(rows.count == 200_000)
        #expect(rows[123_456] == [.int(123_456), .string("v123456,x")])
    }

    @Test func missingFileIsAnError() throws {
        let dir = try TempDirectory()
        let t = relation([Field("n", .bigint)], "filesystem", ["path": "nope.csv", "format": "csv"])
        let error = sqlError { _ = try source(t, context: dir.context) }
        #expect(error?.message.contains("does not exist") == true)
    }
}
