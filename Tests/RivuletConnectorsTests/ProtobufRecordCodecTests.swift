import RivuletCore
import Testing

@testable import RivuletConnectors

/// ksqlDB's `PROTOBUF` format over registered `.proto` schemas, as ksqlDB's own tests give them.
@Suite struct ProtobufRecordCodecTests {
    static let twoMessages = RegisteredSchema(
        id: 101, text: #"syntax = "proto3"; message ProtobufValue1 {float c1 = 1; uint32 c2 = 2;} message ProtobufValue2 {uint64 A = 1; string B = 2;}"#,
        type: "PROTOBUF")

    @Test func columnsComeFromTheNamedMessageOrTheFirst() throws {
        #expect(try ProtobufRecordCodec.columns(of: Self.twoMessages, named: "ProtobufValue2") == [RowField("A", .bigint), RowField("B", .varchar)])
        #expect(try ProtobufRecordCodec.columns(of: Self.twoMessages, named: nil) == [RowField("c1", .double), RowField("c2", .bigint)])
        #expect(throws: SQLError.self) { try ProtobufRecordCodec.columns(of: Self.twoMessages, named: "Missing") }
    }

    @Test func writesTheNamedMessageAfterItsIndexAndReadsItBack() throws {
        let columns = [RowField("A", .bigint), RowField("B", .varchar)]
        let codec = try ProtobufRecordCodec(schema: Self.twoMessages, columns: columns, fullName: "ProtobufValue2")
        var bytes: [UInt8] = []
        try codec.encode([.int(1230), .string("falcon")], columns: columns, unwrapped: false, into: &bytes)
        // Message indexes [1] (count 1, index 1, zig-zag), then A = 1230 and B = "falcon" — what Python's protobuf writes.
        #expect(bytes == [0x02, 0x02, 0x08, 0xCE, 0x09, 0x12, 0x06] + Array("falcon".utf8))
        let read = bytes.withUnsafeBufferPointer { codec.decode($0, columns: columns, unwrapped: false) }
        #expect(try read.get() == [.int(1230), .string("falcon")])
    }

    @Test func readsTheMessageTheRecordsIndexesName() throws {
        let columns = [RowField("c2", .bigint)]
        let codec = try ProtobufRecordCodec(schema: Self.twoMessages, columns: columns, fullName: nil)
        // Index path [0] is the single byte 0; c2 = 7.
        let read = [UInt8]([0x00, 0x10, 0x07]).withUnsafeBufferPointer { codec.decode($0, columns: columns, unwrapped: false) }
        #expect(try read.get() == [.int(7)])
        let outOfRange = [UInt8]([0x02, 0x08]).withUnsafeBufferPointer { codec.decode($0, columns: columns, unwrapped: false) }
        #expect(throws: RegistryDecodeError.self) { try outOfRange.get() }
    }

    @Test func aSingleKeyColumnIsStillAMessage() throws {
        let columns = [RowField("K", .varchar)]
        let text = try ProtobufRecordCodec.schemaText(for: columns, unwrapped: true, fullName: nil)
        #expect(text.contains("message ConnectDefault1"))
        let codec = try ProtobufRecordCodec(schema: RegisteredSchema(id: 1, text: text, type: "PROTOBUF"), columns: columns, fullName: nil)
        var bytes: [UInt8] = []
        try codec.encode([.string("d1")], columns: columns, unwrapped: true, into: &bytes)
        #expect(bytes == [0x00, 0x0A, 0x02] + Array("d1".utf8))
    }

    @Test func typesProtobufCannotHoldAreRefusedWhenTheSchemaIsMade() {
        #expect(throws: SQLError.self) {
            try ProtobufRecordCodec.schemaText(for: [RowField("A", .array(.array(.integer)))], unwrapped: false, fullName: nil)
        }
    }

    /// A sink declared with `VALUE_SCHEMA_FULL_NAME` registers its message under that name, so it writes the message it names.
    @Test func theSchemaMadeForASinkNamesItsMessageAsDeclared() throws {
        let columns = [RowField("A", .bigint), RowField("B", .varchar)]
        let text = try ProtobufRecordCodec.schemaText(for: columns, unwrapped: false, fullName: "shop.ProtobufValue2")
        let registered = RegisteredSchema(id: 9, text: text, type: "PROTOBUF")
        #expect(try ProtobufRecordCodec.columns(of: registered, named: "shop.ProtobufValue2") == columns)
        _ = try ProtobufRecordCodec(schema: registered, columns: columns, fullName: "shop.ProtobufValue2")
    }
}
