import NIOCore
import RivuletCore
import RivuletPGWire
import Testing

/// Nested values as Postgres clients receive them: arrays as Postgres arrays, ROW and MAP as json.
struct NestedValueEncodingTests {
    typealias B = FrontendBytes
    static let person = SQLType.row([RowField("name", .varchar), RowField("age", .integer)])

    @Test func columnTypesAreArrayOidsAndJSON() {
        #expect(PGType(SQLType.array(.integer)) == .int4Array)
        #expect(PGType(SQLType.array(.varchar)) == .textArray)
        #expect(PGType(SQLType.array(.array(.bigint))) == .int8Array)
        #expect(PGType(SQLType.array(Self.person)) == .jsonArray)
        #expect(PGType(Self.person) == .json)
        #expect(PGType(SQLType.map(key: .varchar, value: .integer)) == .json)
    }

    @Test func textFormatQuotesWhatPostgresQuotes() {
        let tags = Value.array([.string("a"), .string("b c"), .string(""), .string("NULL"), .string(#"q"\"#), .null])
        #expect(tags.pgText(as: .array(.varchar)) == #"{a,"b c","","NULL","q\"\\",NULL}"#)
        #expect(Value.array([.array([.int(1), .int(2)]), .array([.int(3), .int(4)])]).pgText(as: .array(.array(.integer))) == "{{1,2},{3,4}}")
        #expect(Value.array([.boolean(true)]).pgText(as: .array(.boolean)) == "{t}")
        #expect(Value.row([.string("ann"), .null]).pgText(as: Self.person) == #"{"name":"ann","age":null}"#)
        #expect(Value.array([.row([.string("x"), .int(1)])]).pgText(as: .array(Self.person)) == #"{"{\"name\":\"x\",\"age\":1}"}"#)
    }

    @Test func binaryArraysCarryDimensionsNullsAndElementOid() throws {
        var encoder = BackendMessageEncoder()
        try encoder.encodeDataRow([.array([.int(7), .null])], types: [.array(.integer)], formats: [.binary])
        let body = B.int32(1) + B.int32(1) + B.int32(23) + B.int32(2) + B.int32(1) + B.int32(4) + B.int32(7) + B.int32(-1)
        #expect(Array(encoder.take().readableBytesView) == B.typed("D", B.int16(1) + B.int32(Int32(body.count)) + body))
    }
}
