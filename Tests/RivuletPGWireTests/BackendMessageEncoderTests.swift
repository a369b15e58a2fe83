import NIOCore
import RivuletCore
import RivuletPGWire
import Testing

/// Golden bytes for backend messages, written from the protocol description.
struct BackendMessageEncoderTests {
    typealias B = FrontendBytes

    static func encoded(_ messages: BackendMessage...) -> [UInt8] {
        var encoder = BackendMessageEncoder()
        for message in messages { encoder.encode(message) }
        return Array(encoder.take().readableBytesView)
    }

    @Test func controlMessages() {
        #expect(Self.encoded(.encryptionRefused) == [UInt8(ascii: "N")])
        #expect(Self.encoded(.readyForQuery(.idle)) == [UInt8(ascii: "Z"), 0, 0, 0, 5, UInt8(ascii: "I")])
        #expect(Self.encoded(.authentication(.ok)) == [UInt8(ascii: "R")] + B.int32(8) + B.int32(0))
        #expect(Self.encoded(.authentication(.cleartextPassword)) == [UInt8(ascii: "R")] + B.int32(8) + B.int32(3))
        #expect(
            Self.encoded(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))
                == [UInt8(ascii: "R")] + B.int32(23) + B.int32(10) + B.cString("SCRAM-SHA-256") + [0])
        #expect(
            Self.encoded(.backendKeyData(BackendKey(processID: 1, secret: 2)))
                == [UInt8(ascii: "K")] + B.int32(12) + B.int32(1) + B.int32(2))
        #expect(
            Self.encoded(.parameterStatus(name: "TimeZone", value: "UTC"))
                == B.typed("S", B.cString("TimeZone") + B.cString("UTC")))
        #expect(Self.encoded(.commandComplete("SELECT 3")) == B.typed("C", B.cString("SELECT 3")))
        #expect(
            Self.encoded(.parseComplete, .bindComplete, .closeComplete, .noData, .portalSuspended, .emptyQueryResponse)
                == B.typed("1", []) + B.typed("2", []) + B.typed("3", []) + B.typed("n", []) + B.typed("s", [])
                + B.typed("I", []))
        #expect(
            Self.encoded(.parameterDescription([.int4, .text]))
                == B.typed("t", B.int16(2) + B.int32(23) + B.int32(25)))
    }

    @Test func rowDescriptionCarriesTypeOIDs() {
        let schema = Schema([Field("id", .bigint), Field("price", .decimal(precision: 10, scale: 2)), Field("ts", .timestamp3)])
        let bytes = Self.encoded(.rowDescription(ColumnDescription.describing(schema)))
        let column = { (name: String, oid: Int32, length: Int16, modifier: Int32) in
            B.cString(name) + B.int32(0) + B.int16(0) + B.int32(oid) + B.int16(length) + B.int32(modifier) + B.int16(0)
        }
        #expect(
            bytes
                == B.typed(
                    "T",
                    B.int16(3) + column("id", 20, 8, -1) + column("price", 1700, -1, (10 << 16 | 2) + 4)
                        + column("ts", 1114, 8, 3)))
    }

    @Test func dataRowIsTextWithNullAsMinusOne() {
        let bytes = Self.encoded(.dataRow([.int(42), .null, .boolean(true), .timestamp(1_704_067_201_500)]))
        let field = { (text: String) in B.int32(Int32(text.utf8.count)) + Array(text.utf8) }
        #expect(
            bytes
                == B.typed(
                    "D", B.int16(4) + field("42") + B.int32(-1) + field("t") + field("2024-01-01 00:00:01.500")))
    }

    @Test func errorResponseHasEveryField() {
        let error = SQLError(
            .syntaxError, "expected FROM, found FORM",
            at: SourceSpan(at: SourceLocation(line: 1, column: 10, offset: 9)), hint: "did you mean FROM?")
        let bytes = Self.encoded(.errorResponse(ErrorFields(error)))
        let field = { (code: Character, value: String) in [code.asciiValue!] + B.cString(value) }
        #expect(
            bytes
                == B.typed(
                    "E",
                    field("S", "ERROR") + field("V", "ERROR") + field("C", "42601")
                        + field("M", "expected FROM, found FORM") + field("H", "did you mean FROM?") + field("P", "10")
                        + [0]))
    }

    @Test(arguments: [
        (Value.boolean(false), "f"), (.double(1), "1"), (.double(0.25), "0.25"), (.double(.infinity), "Infinity"),
        (.decimal(unscaled: -5, scale: 2), "-0.05"), (.date(0), "1970-01-01"), (.timestamp(0), "1970-01-01 00:00:00.000"),
        (.interval(milliseconds: 90_061_500), "1 day 01:01:01.5"), (.interval(milliseconds: 3_000), "00:00:03"),
        (.intervalMonths(14), "1 year 2 mons"), (.string("héllo"), "héllo"),
    ])
    func valuesInPostgresTextFormat(_ value: Value, _ text: String) {
        #expect(value.pgText == text)
    }

    @Test func binaryDataRowUsesPostgresBinaryForms() throws {
        var encoder = BackendMessageEncoder()
        try encoder.encodeDataRow(
            [.int(-2), .int(7), .boolean(true), .double(1.5), .timestamp(946_684_800_001), .date(10_958), .null, .string("x")],
            types: [.integer, .bigint, .boolean, .double, .timestamp3, .date, .varchar, .varchar], formats: [.binary])
        let field = { (bytes: [UInt8]) in B.int32(Int32(bytes.count)) + bytes }
        let int64 = { (value: Int64) in withUnsafeBytes(of: value.bigEndian, Array.init) }
        #expect(
            Array(encoder.take().readableBytesView)
                == B.typed(
                    "D",
                    B.int16(8) + field(B.int32(-2)) + field(int64(7)) + field([1])
                        + field(int64(Int64(bitPattern: 1.5.bitPattern))) + field(int64(1000)) + field(B.int32(1))
                        + B.int32(-1) + field(Array("x".utf8))))
    }

    @Test(arguments: [
        (Int128(1_234_567), 2, [3, 1, 0, 2, 1, 2345, 6700]),  // 12345.67
        (Int128(-5), 2, [1, -1, 0x4000, 2, 500]),  // -0.05
        (Int128(0), 3, [0, 0, 0, 3]),
        (Int128(100_000_000), 0, [1, 2, 0, 0, 1]),  // 1_0000_0000
        // 123456789012345678.90123, 23 digits: DECIMAL(38, 5)
        (Int128(12_345_678_901_234_567_890_123 as Int128), 5, [7, 4, 0, 5, 12, 3456, 7890, 1234, 5678, 9012, 3000]),
    ])
    func numericBinaryForm(_ unscaled: Int128, _ scale: Int, _ words: [Int]) throws {
        var encoder = BackendMessageEncoder()
        try encoder.encodeDataRow(
            [.decimal(unscaled: unscaled, scale: scale)], types: [.decimal(precision: 38, scale: scale)], formats: [.binary])
        let body = words.flatMap { B.int16(Int16(truncatingIfNeeded: $0)) }
        #expect(Array(encoder.take().readableBytesView) == B.typed("D", B.int16(1) + B.int32(Int32(body.count)) + body))
    }
}
