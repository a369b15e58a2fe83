import Foundation
import RivuletConnectors
import RivuletCore
import RivuletRuntime
import Testing

/// Text that cannot be a value is a bad record with a reason, never stored, never taking the
/// next record with it.
@Suite struct BadTextTests {
    private func read(_ name: String, _ bytes: [UInt8], _ fields: [Field]) throws -> (rows: [[Value]], bad: [BadRecordLog.Entry]) {
        let dir = try TempDirectory()
        let full = (dir.path as NSString).appendingPathComponent(name)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        let context = dir.context
        let t = relation(fields, "file", ["path": name])
        let rows = try readAll(try source(t, context: context), types: t.schema.types)
        return (rows, context.badRecords.entries)
    }

    private let idText = [Field("id", .bigint), Field("s", .varchar)]

    @Test func csvTextThatIsNotUTF8IsABadRecord() throws {
        let bytes = Array("1,ok\n2,caf".utf8) + [0xE9] + Array("\n3,caf\u{E9}\n".utf8)
        let (rows, bad) = try read("u.csv", bytes, idText)
        #expect(rows == [[.int(1), .string("ok")], [.int(3), .string("caf\u{E9}")]])
        #expect(bad.count == 1)
        #expect(bad.first?.reason.contains("not valid UTF-8") == true)
        #expect(bad.first?.position.hasSuffix("u.csv:2") == true)
    }

    @Test func csvNulByteIsABadRecord() throws {
        let bytes = Array("1,a".utf8) + [0] + Array("b\n2,ab\n".utf8)
        let (rows, bad) = try read("n.csv", bytes, idText)
        #expect(rows == [[.int(2), .string("ab")]])
        #expect(bad.first?.reason.contains("NUL byte") == true)
    }

    @Test func csvLongASCIIFieldsWithAHighByteAtEveryOffset() throws {
        // The fast check reads eight bytes at a time: a bad byte anywhere must be seen.
        var bytes: [UInt8] = []
        for offset in 0..<20 {
            var field = Array(repeating: UInt8(ascii: "x"), count: 20)
            field[offset] = 0xFF
            bytes += Array("\(offset),".utf8) + field + [10]
        }
        let (rows, bad) = try read("h.csv", bytes, idText)
        #expect(rows.isEmpty)
        #expect(bad.count == 20)
    }

    @Test func csvNumbersOutOfRangeAreBadRecords() throws {
        let fields = [Field("i", .integer), Field("l", .bigint), Field("d", .double)]
        let text = "1,2,3.5\n2147483648,1,1\n1,9223372036854775808,1\n1,1,1e999\n1,1,-1e999\n4,5,Infinity\n"
        let (rows, bad) = try read("r.csv", Array(text.utf8), fields)
        #expect(rows == [[.int(1), .int(2), .double(3.5)], [.int(4), .int(5), .double(.infinity)]])
        #expect(bad.map(\.position).map { $0.split(separator: ":").last! } == ["2", "3", "4", "5"])
    }

    @Test func csvUnterminatedQuoteDoesNotTakeTheNextLine() throws {
        let text = "1,\"broken\n2,fine\n3,\"ok\"\n"
        let (rows, bad) = try read("q.csv", Array(text.utf8), idText)
        #expect(rows == [[.int(2), .string("fine")], [.int(3), .string("ok")]])
        #expect(bad.count == 1)
        #expect(bad.first?.reason.contains("unterminated quoted field") == true)
        #expect(bad.first?.rawText == "1,\"broken")
    }

    @Test func csvQuoteClosedThenBrokenOnALaterLine() throws {
        let text = "1,\"a\n2,\"b\"\n3,c\n"
        let (rows, bad) = try read("q2.csv", Array(text.utf8), idText)
        #expect(rows.contains([.int(3), .string("c")]))
        #expect(bad.first?.position.hasSuffix("q2.csv:1") == true)
    }

    @Test func jsonUnescapedControlCharacterIsABadRecord() throws {
        let bytes = Array("{\"id\": 1, \"s\": \"a".utf8) + [9] + Array("b\"}\n{\"id\": 2, \"s\": \"ok\"}\n".utf8)
        let (rows, bad) = try read("c.jsonl", bytes, idText)
        #expect(rows == [[.int(2), .string("ok")]])
        #expect(bad.first?.reason.contains("control character") == true)
    }

    @Test func jsonBadEscapesNulAndInvalidUTF8AreBadRecords() throws {
        let bytes = Array("{\"id\": 1, \"s\": \"a\\qb\"}\n{\"id\": 2, \"s\": \"a\\u0000b\"}\n".utf8)
            + Array("{\"id\": 3, \"s\": \"".utf8) + [0xC3, 0x28] + Array("\"}\n{\"id\": 4, \"s\": \"\\u00e9\"}\n".utf8)
        let (rows, bad) = try read("e.jsonl", bytes, idText)
        #expect(rows == [[.int(4), .string("\u{E9}")]])
        #expect(bad.count == 3)
        #expect(bad.map(\.reason).contains { $0.contains("bad escape") })
        #expect(bad.map(\.reason).contains { $0.contains("NUL byte") })
        #expect(bad.map(\.reason).contains { $0.contains("not valid UTF-8") })
    }

    @Test func jsonNumbersOutOfRangeAreBadRecords() throws {
        let fields = [Field("l", .bigint), Field("d", .double)]
        let text = "{\"l\": 1, \"d\": 2.5}\n{\"l\": 99999999999999999999, \"d\": 1}\n{\"l\": 1, \"d\": 1e999}\n"
        let (rows, bad) = try read("n.jsonl", Array(text.utf8), fields)
        #expect(rows == [[.int(1), .double(2.5)]])
        #expect(bad.count == 2)
    }
}
