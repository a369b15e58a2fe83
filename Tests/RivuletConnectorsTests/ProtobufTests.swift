import RivuletConnectors
import RivuletCore
import Testing

@Suite struct ProtoSchemaParserTests {
    @Test func readsTheSchemasKsqlDBTestsGive() throws {
        let schema = try ProtoSchema.parse(#"syntax = "proto3"; message ProtobufLeftKey1 {uint32 k1 = 1;} message ProtobufLeftKey2 {int32 K = 1;}"#)
        #expect(schema.syntax == .proto3)
        #expect(schema.topLevelMessages == ["ProtobufLeftKey1", "ProtobufLeftKey2"])
        let first = try #require(schema.message(named: "ProtobufLeftKey1"))
        #expect(first.fields.map(\.name) == ["k1"])
        #expect(first.fields[0].type == .scalar(.uint32))
        #expect(first.fields[0].label == .singular)
        #expect(schema.message(named: "ProtobufLeftKey2")?.fields[0].type == .scalar(.int32))
    }

    @Test func readsNestedTypesEnumsOneofsMapsAndImports() throws {
        let schema = try ProtoSchema.parse("""
            // an order, as a registry stores it
            syntax = "proto3";
            package shop.v1;
            import "google/protobuf/timestamp.proto";
            import public "confluent/type/decimal.proto";
            option java_package = "com.example.shop";

            message Order {
              option (custom).deep = { a: 1 };
              int64 id = 1 [deprecated = true];
              optional string note = 2;
              repeated Line lines = 3;
              map<string, Line> by_sku = 4;
              google.protobuf.Timestamp at = 5;
              confluent.type.Decimal total = 6;
              oneof payment {
                string card = 7;
                Status status = 8;
              }
              reserved 9, 10 to 12;
              reserved "old";
              message Line { string sku = 1; sint64 count = 2; .shop.v1.Order.Status state = 3; }
              enum Status { option allow_alias = true; NEW = 0; PAID = 1 [(x) = 2]; }
            }
            /* a comment
               over lines */
            service Orders { rpc Get (Order) returns (Order); }
            """)
        #expect(schema.package == "shop.v1")
        #expect(schema.imports == ["google/protobuf/timestamp.proto", "confluent/type/decimal.proto"])
        let order = try #require(schema.message(named: "Order"))
        #expect(order.fullName == "shop.v1.Order")
        #expect(order.fields.map(\.number) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(order.fields[1].label == .optional)
        #expect(order.fields[2].label == .repeated)
        #expect(order.fields[2].type == .message("shop.v1.Order.Line"))
        #expect(order.fields[3].type == .map(key: .string, value: .message("shop.v1.Order.Line")))
        #expect(order.fields[4].type == .message("google.protobuf.Timestamp"))
        #expect(order.fields[5].type == .message("confluent.type.Decimal"))
        #expect(order.fields[6].oneof == "payment")
        #expect(order.fields[7].type == .enumeration("shop.v1.Order.Status"))
        let line = try #require(schema.message(named: ".shop.v1.Order.Line"))
        #expect(line.fields[1].type == .scalar(.sint64))
        #expect(line.fields[2].type == .enumeration("shop.v1.Order.Status"))
        #expect(schema.enums["shop.v1.Order.Status"]?.values.map(\.name) == ["NEW", "PAID"])
    }

    @Test func readsProto2Labels() throws {
        let schema = try ProtoSchema.parse("""
            syntax = "proto2";
            message P { required int32 a = 1; optional string b = 2 [default = "x"]; repeated fixed64 c = 3; }
            """)
        #expect(schema.syntax == .proto2)
        #expect(schema.message(named: "P")?.fields.map(\.label) == [.required, .optional, .repeated])
    }

    @Test(arguments: [
        ("syntax = \"proto3\";\nmessage M {\n  int32 a 1;\n}", "expected '=', found '1'", 3, 11),
        ("syntax = \"proto3\";\nmessage M { Missing a = 1; }", "unknown type 'Missing' of field 'a'", 2, 13),
        ("syntax = \"proto2\";\nmessage M { int32 a = 1; }", "a proto2 field needs a label ('optional', 'required' or 'repeated')", 2, 13),
        ("syntax = \"proto3\";\nmessage M { int32 a = 1;", "expected '}' to close 'M'", 2, 25),
        ("syntax = \"proto3\";\n/* never closed\nmessage M {}", "unterminated string or comment", 2, 1),
        ("syntax = \"proto4\";", "unknown syntax \"proto4\" (expected \"proto2\" or \"proto3\")", 1, 10),
        ("message M { int32 a = 1; string b = 1; }", "a proto2 field needs a label ('optional', 'required' or 'repeated')", 1, 13),
        ("syntax = \"proto3\"; message M { int32 a = 1; string b = 1; }", "field number 1 is used twice in 'M'", 1, 45),
        ("syntax = \"proto3\"; message M { map<double, int32> m = 1; }", "a map key must be an integer, bool or string type, not 'double'", 1, 36),
    ])
    func reportsErrorsWithTheirPosition(text: String, message: String, line: Int, column: Int) {
        #expect(throws: ProtoSchemaError(message: message, line: line, column: column)) { try ProtoSchema.parse(text) }
    }
}

@Suite struct ProtobufCodecTests {
    static let rowType = SQLType.row([RowField("A", .integer), RowField("B", .array(.integer)), RowField("C", .row([RowField("X", .double)]))])
    static let columns = [
        RowField("ID", .bigint), RowField("NAME", .varchar), RowField("OK", .boolean), RowField("S", rowType),
        RowField("TAGS", .array(.varchar)), RowField("M", .map(key: .varchar, value: .integer)), RowField("T", .timestamp3),
        RowField("D", .decimal(precision: 6, scale: 2)), RowField("DAY", .date),
    ]

    private func roundTrip(_ codec: ProtobufCodec, _ values: [Value]) throws -> [Value] {
        var bytes: [UInt8] = []
        codec.encode(values, into: &bytes)
        return try bytes.withUnsafeBufferPointer { try codec.decode($0) }
    }

    @Test func generatesTheSchemaKsqlDBDerivesFromColumns() throws {
        let text = try ProtobufSchemaText.generate(for: Self.columns)
        #expect(text == """
            syntax = "proto3";

            import "confluent/type/decimal.proto";
            import "google/protobuf/timestamp.proto";
            import "google/type/date.proto";

            message ConnectDefault1 {
              int64 ID = 1;
              string NAME = 2;
              bool OK = 3;
              ConnectDefault2 S = 4;
              repeated string TAGS = 5;
              map<string, int32> M = 6;
              google.protobuf.Timestamp T = 7;
              confluent.type.Decimal D = 8;
              google.type.Date DAY = 9;

              message ConnectDefault2 {
                int32 A = 1;
                repeated int32 B = 2;
                ConnectDefault3 C = 3;

                message ConnectDefault3 {
                  double X = 1;
                }
              }
            }

            """)
        #expect(throws: SQLError.self) { try ProtobufSchemaText.generate(for: [RowField("A", .array(.array(.integer)))]) }
    }

    @Test func roundTripsEveryKindOfValue() throws {
        let codec = try ProtobufSchemaText.codec(for: Self.columns)
        let values: [Value] = [
            .int(-9_000_000_000), .string("zé"), .boolean(true),
            .row([.int(-5), .array([.int(1), .int(-2), .int(300)]), .row([.double(-1.5)])]),
            .array([.string("a"), .string("")]), .map(keys: [.string("k"), .string("")], values: [.int(-1), .int(7)]),
            .timestamp(-1_500), .decimal(unscaled: -12_345, scale: 2), .date(-365),
        ]
        #expect(try roundTrip(codec, values) == values)
    }

    /// proto3 has no NULL scalars: ksqlDB reads an absent scalar as its default, an absent
    /// message (STRUCT, TIMESTAMP, DECIMAL, DATE) as NULL, an absent list or map as empty.
    @Test func nullsAtEveryLevelReadAsKsqlDBReadsThem() throws {
        let codec = try ProtobufSchemaText.codec(for: Self.columns)
        let nulls = [Value](repeating: .null, count: Self.columns.count)
        var bytes: [UInt8] = []
        codec.encode(nulls, into: &bytes)
        #expect(bytes.isEmpty)
        #expect(try roundTrip(codec, nulls) == [
            .int(0), .string(""), .boolean(false), .null, .array([]), .map(keys: [], values: []), .null, .null, .null,
        ])
        let inner: [Value] = [.null, .null, .null, .row([.null, .null, .row([.null])]), .array([.null]),
                              .map(keys: [.string("k")], values: [.null]), .null, .null, .null]
        #expect(try roundTrip(codec, inner) == [
            .int(0), .string(""), .boolean(false), .row([.int(0), .array([]), .row([.double(0)])]), .array([.string("")]),
            .map(keys: [.string("k")], values: [.int(0)]), .null, .null, .null,
        ])
    }

    @Test func writesZigZagAndPackedAndReadsUnpacked() throws {
        let schema = try ProtoSchema.parse("""
            syntax = "proto3";
            message N { sint32 a = 1; sint64 b = 2; repeated int32 c = 3; fixed32 d = 4; sfixed64 e = 5; float f = 6; }
            """)
        let columns = [RowField("a", .integer), RowField("b", .bigint), RowField("c", .array(.integer)), RowField("d", .bigint),
                       RowField("e", .bigint), RowField("f", .double)]
        let codec = try ProtobufCodec(schema: schema, messageName: "N", columns: columns)
        var bytes: [UInt8] = []
        codec.encode([.int(-1), .int(-64), .array([.int(1), .int(2)]), .int(4_000_000_000), .int(-2), .double(0.5)], into: &bytes)
        #expect(bytes == [0x08, 0x01, 0x10, 0x7f, 0x1a, 0x02, 0x01, 0x02, 0x25, 0x00, 0x28, 0x6b, 0xee,
                          0x29, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x35, 0x00, 0x00, 0x00, 0x3f])
        #expect(try bytes.withUnsafeBufferPointer { try codec.decode($0) } == [
            .int(-1), .int(-64), .array([.int(1), .int(2)]), .int(4_000_000_000), .int(-2), .double(0.5),
        ])
        // The same list not packed, as proto2 writers send it, with an unknown field to skip.
        let unpacked: [UInt8] = [0x18, 0x01, 0x18, 0x02, 0x60, 0x05, 0x08, 0x03]
        #expect(try unpacked.withUnsafeBufferPointer { try codec.decode($0) } == [
            .int(-2), .int(0), .array([.int(1), .int(2)]), .int(0), .int(0), .double(0),
        ])
        let truncated: [UInt8] = [0x1a, 0x05, 0x01]
        #expect(throws: ProtobufDecodeError.self) { try truncated.withUnsafeBufferPointer { try codec.decode($0) } }
    }

    @Test func readsWrappersAndOptionalAsNullable() throws {
        let schema = try ProtoSchema.parse("""
            syntax = "proto3";
            import "google/protobuf/wrappers.proto";
            message W { google.protobuf.Int32Value a = 1; google.protobuf.StringValue b = 2; optional int64 c = 3; }
            """)
        let codec = try ProtobufCodec(schema: schema, messageName: "W", columns: [RowField("A", .integer), RowField("B", .varchar), RowField("C", .bigint)])
        #expect(try roundTrip(codec, [.int(0), .null, .null]) == [.int(0), .null, .null])
        #expect(try roundTrip(codec, [.null, .string("x"), .int(0)]) == [.null, .string("x"), .int(0)])
    }

    @Test func refusesColumnsTheMessageDoesNotHave() throws {
        let schema = try ProtoSchema.parse("syntax = \"proto3\"; message M { int32 a = 1; }")
        #expect(throws: SQLError.self) { try ProtobufCodec(schema: schema, messageName: "M", columns: [RowField("B", .integer)]) }
        #expect(throws: SQLError.self) { try ProtobufCodec(schema: schema, messageName: "Other", columns: []) }
    }

    /// Bytes written by Python's protobuf (7.x) library for this schema, made with descriptor_pb2
    /// and message_factory (the descriptor built field by field as the schema text declares):
    ///
    ///     Order = message_factory.GetMessageClass(pool.FindMessageTypeByName("fixture.Order"))
    ///     full = Order(id=-7, delta=-3, name="é", counts=[1, -2, 300], totals={"a": 5},
    ///                  customer={"name": "Ann", "age": 4000000000}, status=1, price=2.5, paid=True)
    ///     full.at.seconds, full.at.nanos = 1700000000, 123000000
    ///     print(full.SerializeToString().hex())
    ///     print(Order(name="only").SerializeToString().hex())
    static let fixtureSchema = """
        syntax = "proto3";
        package fixture;
        import "google/protobuf/timestamp.proto";
        message Order {
          int64 id = 1;
          sint32 delta = 2;
          string name = 3;
          repeated int32 counts = 4;
          map<string, int64> totals = 5;
          Customer customer = 6;
          google.protobuf.Timestamp at = 7;
          Status status = 8;
          double price = 9;
          bool paid = 10;
          message Customer { string name = 1; uint32 age = 2; }
          enum Status { NEW = 0; SHIPPED = 1; }
        }
        """
    static let fullOrder = "08f9ffffffffffffffff0110051a02c3a9220d01feffffffffffffffff01ac022a050a01611005320b0a03416e6e1080d0acf30e3a0b0880e2cfaa0610c0a9d33a40014900000000000004405001"
    static let sparseOrder = "1a046f6e6c79"

    @Test func decodesWhatPythonProtobufWrites() throws {
        let schema = try ProtoSchema.parse(Self.fixtureSchema)
        let columns = [
            RowField("ID", .bigint), RowField("DELTA", .integer), RowField("NAME", .varchar), RowField("COUNTS", .array(.integer)),
            RowField("TOTALS", .map(key: .varchar, value: .bigint)), RowField("CUSTOMER", .row([RowField("NAME", .varchar), RowField("AGE", .bigint)])),
            RowField("AT", .timestamp3), RowField("STATUS", .varchar), RowField("PRICE", .double), RowField("PAID", .boolean),
        ]
        let codec = try ProtobufCodec(schema: schema, messageName: "fixture.Order", columns: columns)
        let full = Self.bytes(Self.fullOrder)
        let decoded = try full.withUnsafeBufferPointer { try codec.decode($0) }
        #expect(decoded == [
            .int(-7), .int(-3), .string("é"), .array([.int(1), .int(-2), .int(300)]), .map(keys: [.string("a")], values: [.int(5)]),
            .row([.string("Ann"), .int(4_000_000_000)]), .timestamp(1_700_000_000_123), .string("SHIPPED"), .double(2.5), .boolean(true),
        ])
        // Written back, the message is the same bytes (fields in number order, as Python writes them).
        var again: [UInt8] = []
        codec.encode(decoded, into: &again)
        #expect(again == full)
        let sparse = try Self.bytes(Self.sparseOrder).withUnsafeBufferPointer { try codec.decode($0) }
        #expect(sparse == [.int(0), .int(0), .string("only"), .array([]), .map(keys: [], values: []), .null, .null, .string("NEW"), .double(0), .boolean(false)])
    }

    private static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
    }
}

@Suite struct ConfluentProtobufFrameTests {
    @Test func framesAndFindsTheMessageByIndexes() throws {
        #expect(ConfluentProtobufFrame.header(schemaId: 258) == [0, 0, 0, 1, 2, 0])
        let framed = ConfluentProtobufFrame.header(schemaId: 7, messageIndexes: [1, 0]) + [0x08, 0x01]
        #expect(framed == [0, 0, 0, 0, 7, 0x04, 0x02, 0x00, 0x08, 0x01])
        let header = try framed.withUnsafeBufferPointer { try ConfluentProtobufFrame.parse($0) }
        #expect(header == ConfluentProtobufFrame.Header(schemaId: 7, messageIndexes: [1, 0], payloadOffset: 8))
        let schema = try ProtoSchema.parse("syntax = \"proto3\"; message A { int32 x = 1; } message B { message C { int32 y = 1; } C c = 1; }")
        #expect(schema.message(atIndexes: header.messageIndexes)?.fullName == "B.C")
        #expect(schema.message(atIndexes: [0])?.fullName == "A")
        #expect(schema.message(atIndexes: [2]) == nil)
        let plain: [UInt8] = [0x08, 0x01]
        #expect(throws: ProtobufDecodeError.self) { try plain.withUnsafeBufferPointer { try ConfluentProtobufFrame.parse($0) } }
    }
}
