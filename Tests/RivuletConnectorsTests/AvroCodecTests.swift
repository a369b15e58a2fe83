import Foundation
import RivuletCore
import Testing

@testable import RivuletConnectors

@Suite struct AvroCodecTests {
    /// Written by fastavro 1.13:
    ///
    ///     import fastavro, io, decimal
    ///     schema = {"type": "record", "name": "Order", "namespace": "com.example", "fields": [
    ///      {"name": "id", "type": "long"}, {"name": "qty", "type": "int"},
    ///      {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
    ///      {"name": "ratio", "type": "float"}, {"name": "score", "type": "double"}, {"name": "ok", "type": "boolean"},
    ///      {"name": "name", "type": ["null", "string"]},
    ///      {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
    ///      {"name": "day", "type": {"type": "int", "logicalType": "date"}},
    ///      {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    ///      {"name": "atMicros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
    ///      {"name": "tags", "type": {"type": "array", "items": "string"}},
    ///      {"name": "attrs", "type": {"type": "map", "values": ["null", "long"]}},
    ///      {"name": "address", "type": ["null", {"type": "record", "name": "Address", "fields": [
    ///          {"name": "city", "type": "string"}, {"name": "zip", "type": ["null", "int"]}]}]},
    ///      {"name": "code", "type": {"type": "fixed", "name": "Code", "size": 2}}]}
    ///     record = {"id": -5, "qty": 300, "price": decimal.Decimal("-12.34"), "ratio": 0.5, "score": 2.25, "ok": True,
    ///      "name": None, "kind": "B", "day": 19000, "at": 1700000000123, "atMicros": 1700000000123456,
    ///      "tags": ["x", "yz"], "attrs": {"a": 1, "b": None}, "address": {"city": "Oslo", "zip": None}, "code": b"ab"}
    ///     out = io.BytesIO(); fastavro.schemaless_writer(out, fastavro.parse_schema(schema), record)
    ///     print(out.getvalue().hex())
    static let fastavroSchema = """
        {"type":"record","name":"Order","namespace":"com.example","fields":[
         {"name":"id","type":"long"},{"name":"qty","type":"int"},
         {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
         {"name":"ratio","type":"float"},{"name":"score","type":"double"},{"name":"ok","type":"boolean"},
         {"name":"name","type":["null","string"]},
         {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]}},
         {"name":"day","type":{"type":"int","logicalType":"date"}},
         {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
         {"name":"atMicros","type":{"type":"long","logicalType":"timestamp-micros"}},
         {"name":"tags","type":{"type":"array","items":"string"}},
         {"name":"attrs","type":{"type":"map","values":["null","long"]}},
         {"name":"address","type":["null",{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":["null","int"]}]}]},
         {"name":"code","type":{"type":"fixed","name":"Code","size":2}}]}
        """
    static let fastavroRecord = "09d80404fb2e0000003f0000000000000240010002f0a802f6a1abfef962808981828389850604027804797a0004026102020262000002084f736c6f006162"

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    @Test func readsRecordsFastavroWrote() throws {
        let schema = try AvroSchema(parsing: Self.fastavroSchema)
        // Named as the schema names its fields (inference upper-cases them when ksqlDB does).
        let columns = schema.columns
        #expect(columns.map(\.name) == ["id", "qty", "price", "ratio", "score", "ok", "name", "kind", "day", "at", "atMicros", "tags", "attrs", "address", "code"])
        #expect(columns[2].type == .decimal(precision: 10, scale: 2))
        #expect(columns[9].type == .timestamp3)
        #expect(columns[13].type == .row([RowField("city", .varchar), RowField("zip", .integer)]))
        let codec = try AvroRecordCodec(schema: RegisteredSchema(id: 1, text: Self.fastavroSchema, type: "AVRO"), columns: [], fullName: nil)
        let record = Self.bytes(hex: Self.fastavroRecord)
        let values = try record.withUnsafeBufferPointer { try codec.decode($0, columns: columns, unwrapped: false).get() }
        #expect(values == [
            .int(-5), .int(300), .decimal(unscaled: -1234, scale: 2), .double(0.5), .double(2.25), .boolean(true), .null, .string("B"),
            .date(19000), .timestamp(1_700_000_000_123), .timestamp(1_700_000_000_123), .array([.string("x"), .string("yz")]),
            .map(keys: [.string("a"), .string("b")], values: [.int(1), .null]), .row([.string("Oslo"), .null]), .string("ab"),
        ])
    }

    @Test func readsFieldsIntoDeclaredColumnsByNameIgnoringCase() throws {
        let codec = try AvroRecordCodec(schema: RegisteredSchema(id: 1, text: Self.fastavroSchema, type: "AVRO"), columns: [], fullName: nil)
        let columns = [RowField("SCORE", .double), RowField("ID", .bigint), RowField("MISSING", .varchar), RowField("QTY", .double)]
        let record = Self.bytes(hex: Self.fastavroRecord)
        let values = try record.withUnsafeBufferPointer { try codec.decode($0, columns: columns, unwrapped: false).get() }
        #expect(values == [.double(2.25), .int(-5), .null, .double(300)])
    }

    static let nestedColumns = [
        RowField("ID", .bigint),
        RowField("NAME", .varchar),
        RowField("PRICE", .decimal(precision: 8, scale: 3)),
        RowField("AT", .timestamp3),
        RowField("DAY", .date),
        RowField("TAGS", .array(.integer)),
        RowField("ATTRS", .map(key: .varchar, value: .double)),
        RowField("ADDRESS", .row([RowField("CITY", .varchar), RowField("LINES", .array(.row([RowField("TEXT", .varchar)])))])),
    ]

    @Test func ksqlSchemasNameTheRecordAndNestedStructsAsKsqlDBDoes() throws {
        let text = AvroSchema.ksqlSchemaText(for: Self.nestedColumns, unwrapped: false)
        let schema = try AvroSchema(parsing: text)
        guard case .record(let record) = schema else {
            Issue.record("not a record: \(text)")
            return
        }
        #expect(record.name == "io.confluent.ksql.avro_schemas.KsqlDataSourceSchema")
        #expect(record.fields.allSatisfy { $0.defaultsToNull && $0.schema.nonNullBranch != nil })
        #expect(record.fields[7].schema.recordSchema?.name == "io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_ADDRESS")
        #expect(schema.columns == Self.nestedColumns)
        #expect(AvroSchema.ksqlSchemaText(for: [RowField("K", .bigint)], unwrapped: true) == #"["null","long"]"#)
    }

    @Test(arguments: [
        [Value.int(7), .string("a"), .decimal(unscaled: -1_234_567, scale: 3), .timestamp(1_700_000_000_123), .date(19000),
         .array([.int(1), .null, .int(-3)]), .map(keys: [.string("x"), .string("y")], values: [.double(1.5), .null]),
         .row([.string("Oslo"), .array([.row([.string("l1")]), .null, .row([.null])])])],
        [Value.null, .null, .null, .null, .null, .null, .null, .null],
        [Value.int(0), .string(""), .decimal(unscaled: 0, scale: 3), .timestamp(-1), .date(-1), .array([]), .map(keys: [], values: []),
         .row([.null, .null])],
    ])
    func writesAndReadsBackRowsWithNullsAtEveryLevel(_ row: [Value]) throws {
        let text = AvroSchema.ksqlSchemaText(for: Self.nestedColumns, unwrapped: false)
        let codec = try AvroRecordCodec(schema: RegisteredSchema(id: 3, text: text, type: "AVRO"), columns: [], fullName: nil)
        var bytes: [UInt8] = []
        try codec.encode(row, columns: Self.nestedColumns, unwrapped: false, into: &bytes)
        let back = try bytes.withUnsafeBufferPointer { try codec.decode($0, columns: Self.nestedColumns, unwrapped: false).get() }
        #expect(back == row)
    }

    @Test func writesASingleKeyColumnUnwrapped() throws {
        let columns = [RowField("K", .varchar)]
        let text = AvroRecordCodec.schemaText(for: columns, unwrapped: true)
        let codec = try AvroRecordCodec(schema: RegisteredSchema(id: 4, text: text, type: "AVRO"), columns: [], fullName: nil)
        var bytes: [UInt8] = []
        try codec.encode([.string("hi")], columns: columns, unwrapped: true, into: &bytes)
        #expect(bytes == [2, 4, UInt8(ascii: "h"), UInt8(ascii: "i")])  // union branch 1, length 2, "hi"
        let back = try bytes.withUnsafeBufferPointer { try codec.decode($0, columns: columns, unwrapped: true).get() }
        #expect(back == [.string("hi")])
    }

    @Test func reportsTruncatedAndOverlongRecords() throws {
        let codec = try AvroRecordCodec(schema: RegisteredSchema(id: 1, text: Self.fastavroSchema, type: "AVRO"), columns: [], fullName: nil)
        let record = Self.bytes(hex: Self.fastavroRecord)
        let columns = try AvroSchema(parsing: Self.fastavroSchema).columns
        let short = Array(record.dropLast(3)).withUnsafeBufferPointer { codec.decode($0, columns: columns, unwrapped: false) }
        guard case .failure(let error) = short else {
            Issue.record("a truncated record decoded")
            return
        }
        #expect(error.reason.contains("ends early"))
        let long = (record + [0]).withUnsafeBufferPointer { codec.decode($0, columns: columns, unwrapped: false) }
        guard case .failure = long else {
            Issue.record("a record with trailing bytes decoded")
            return
        }
    }

    @Test func framesRecordsAsConfluentDoes() throws {
        var bytes: [UInt8] = []
        ConfluentFraming.appendHeader(id: 258, to: &bytes)
        bytes.append(42)
        #expect(bytes == [0, 0, 0, 1, 2, 42])
        let split = try bytes.withUnsafeBufferPointer { try ConfluentFraming.split($0).get() }
        #expect(split.id == 258 && Array(split.body) == [42])
        let bad = [UInt8]([1, 0, 0, 0, 1]).withUnsafeBufferPointer { ConfluentFraming.split($0) }
        guard case .failure = bad else {
            Issue.record("a record without the magic byte was accepted")
            return
        }
    }

    @Test func jsonSchemaRecordsReadAndWriteAsJSON() throws {
        let columns = [RowField("ID", .bigint), RowField("TAGS", .array(.varchar)), RowField("S", .row([RowField("A", .integer)]))]
        let text = JSONSchemaRecordCodec.schemaText(for: columns, unwrapped: false)
        let registered = RegisteredSchema(id: 5, text: text, type: "JSON")
        #expect(try JSONSchemaRecordCodec.columns(of: registered, named: nil) == columns)
        let codec = try JSONSchemaRecordCodec(schema: registered, columns: columns, fullName: nil)
        var bytes: [UInt8] = []
        let row: [Value] = [.int(1), .array([.string("a"), .null]), .row([.null])]
        try codec.encode(row, columns: columns, unwrapped: false, into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"ID":1,"TAGS":["a",null],"S":{"A":null}}"#)
        let back = try bytes.withUnsafeBufferPointer { try codec.decode($0, columns: columns, unwrapped: false).get() }
        #expect(back == row)
    }
}
