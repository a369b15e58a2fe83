import CRdKafka
import Foundation
import RivuletCore
import RivuletPlanner
import RivuletRuntime
import TestBrokers
import Testing

@testable import RivuletConnectors

/// `rivulet dev schema-registry`, started for one test.
final class SchemaRegistryProcess {
    let process: Process
    let url: String

    init() throws {
        (process, url) = try startPrintingAddress(KafkaCommandTests.executable, arguments: ["dev", "schema-registry", "--port", "0"])
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}

@Suite("AVRO, JSON_SR and PROTOBUF topics through a schema registry")
struct KafkaSchemaRegistryTests {
    /// Records fastavro 1.13 wrote, without Confluent's header:
    ///
    ///     schema = {"type": "record", "name": "Order", "namespace": "shop", "fields": [
    ///         {"name": "id", "type": "long"}, {"name": "qty", "type": "int"},
    ///         {"name": "address", "type": ["null", {"type": "record", "name": "Address",
    ///                                               "fields": [{"name": "city", "type": "string"}]}]}]}
    ///     for r in [{"id": 1, "qty": 50, "address": {"city": "Oslo"}}, {"id": 2, "qty": 150, "address": {"city": "Rome"}},
    ///               {"id": 3, "qty": 500, "address": None}]:
    ///         o = io.BytesIO(); fastavro.schemaless_writer(o, fastavro.parse_schema(schema), r); print(o.getvalue().hex())
    static let schema = """
        {"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"qty","type":"int"},
         {"name":"address","type":["null",{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}]}]}
        """
    static let records = ["026402084f736c6f", "04ac020208526f6d65", "06e80700"]

    static func bytes(hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map { offset in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    @Test("A stream declared without columns reads Confluent-framed Avro; CREATE STREAM AS SELECT writes AVRO and registers its schema")
    func avroEndToEnd() async throws {
        try await offPool {
            let registry = try SchemaRegistryProcess()
            #expect(registry.url.hasPrefix("http://"))
            let cluster = try cluster(topics: ["orders": 1])
            let client = SchemaRegistryClient.shared(url: registry.url)
            let id = try client.register(subject: "orders-value", text: Self.schema, type: "AVRO")
            #expect(try client.register(subject: "orders-value", text: Self.schema, type: "AVRO") == id)
            var framed: [[UInt8]] = Self.records.map { hex in
                var out: [UInt8] = []
                ConfluentFraming.appendHeader(id: id, to: &out)
                return out + Self.bytes(hex: hex)
            }
            framed.append([0, 0, 0, 0, 99, 1])  // an id the registry does not hold: reported and skipped
            try produce(cluster.bootstrapServers, topic: "orders", bytes: framed.map { (0, $0) })

            _ = try runScript("""
                SET 'ksql.schema.registry.url' = '\(registry.url)';
                CREATE STREAM orders WITH (KAFKA_TOPIC = 'orders', VALUE_FORMAT = 'AVRO', 'properties.bootstrap.servers' = '\(cluster.bootstrapServers)');
                CREATE STREAM big WITH (KAFKA_TOPIC = 'big', VALUE_FORMAT = 'AVRO', 'properties.bootstrap.servers' = '\(cluster.bootstrapServers)')
                    AS SELECT ID, QTY * 2 AS DOUBLED, ADDRESS FROM orders WHERE QTY > 100;
                """)

            let written = try #require(try client.latest(subject: "big-value"))
            let schema = try AvroSchema(parsing: written.text)
            #expect(schema.recordSchema?.name == "io.confluent.ksql.avro_schemas.KsqlDataSourceSchema")
            #expect(schema.columns == [
                RowField("ID", .bigint), RowField("DOUBLED", .integer), RowField("ADDRESS", .row([RowField("city", .varchar)])),
            ])

            let fields = [Field("ID", .bigint), Field("DOUBLED", .bigint), Field("ADDRESS", .row([RowField("CITY", .varchar)]))]
            let big = relation("big", fields, kafkaOptions(cluster, topic: "big", format: "avro"))
            let context = ConnectorContext(
                workingDirectory: NSTemporaryDirectory(), dataDirectory: NSTemporaryDirectory(), badRecords: BadRecordLog(),
                sessionOptions: ["ksql.schema.registry.url": registry.url])
            let reader = try KafkaConnector().makeSource(big, columns: [0, 1, 2], context: context)
            var rows: [[Value]] = []
            while let batch = try reader.nextBatch(maxRows: 100) {
                for row in 0..<batch.count { rows.append(batch.row(row, types: fields.map(\.type))) }
            }
            #expect(rows == [[.int(2), .int(300), .row([.string("Rome")])], [.int(3), .int(1000), .null]])
        }
    }

    @Test("A JSON_SR sink registers a JSON Schema for its columns; its records read back")
    func jsonSchemaSink() async throws {
        try await offPool {
            let registry = try SchemaRegistryProcess()
            let cluster = try cluster(topics: ["events": 1])
            let fields = [Field("ID", .bigint), Field("TAGS", .array(.varchar))]
            let session = ["ksql.schema.registry.url": registry.url]
            let events = relation("events", fields, kafkaOptions(cluster, topic: "events", format: "json_sr"))
            let sink = try KafkaConnector().makeSink(events, context: ConnectorContext(
                workingDirectory: NSTemporaryDirectory(), dataDirectory: NSTemporaryDirectory(), badRecords: BadRecordLog(),
                sessionOptions: session))
            try sink.write(batch([.bigint, .array(.varchar)], [[.int(1), .array([.string("a")])], [.int(2), .null]]))
            try sink.close()
            let schema = try #require(try SchemaRegistryClient.shared(url: registry.url).latest(subject: "events-value"))
            #expect(schema.type == "JSON")
            #expect(schema.text.contains(#""TAGS""#) && schema.text.contains(#""connect.index""#))
            let context = ConnectorContext(
                workingDirectory: NSTemporaryDirectory(), dataDirectory: NSTemporaryDirectory(), badRecords: BadRecordLog(),
                sessionOptions: session)
            let reader = try KafkaConnector().makeSource(events, columns: [0, 1], context: context)
            var rows: [[Value]] = []
            while let batch = try reader.nextBatch(maxRows: 100) {
                for row in 0..<batch.count { rows.append(batch.row(row, types: fields.map(\.type))) }
            }
            #expect(rows == [[.int(1), .array([.string("a")])], [.int(2), .null]])
        }
    }

    /// ksqlDB's own test schema: two messages, the second chosen by `VALUE_SCHEMA_FULL_NAME`.
    static let protoSchema = #"syntax = "proto3"; message ProtobufValue1 {float c1 = 1; uint32 c2 = 2;} message ProtobufValue2 {uint64 A = 1; string B = 2;}"#

    @Test("A PROTOBUF stream takes its columns from the named message; CREATE STREAM AS SELECT writes PROTOBUF and registers its schema")
    func protobufEndToEnd() async throws {
        try await offPool {
            let registry = try SchemaRegistryProcess()
            let cluster = try cluster(topics: ["animals": 1])
            let client = SchemaRegistryClient.shared(url: registry.url)
            let id = try client.register(subject: "animals-value", text: Self.protoSchema, type: "PROTOBUF")
            // What Python's protobuf writes for ProtobufValue2 {A: 1230, B: "falcon"} and {A: 4560, B: "giraffe"},
            // after Confluent's header and the message indexes [1].
            let header = ConfluentProtobufFrame.header(schemaId: Int32(id), messageIndexes: [1])
            let framed = [
                header + [0x08, 0xCE, 0x09, 0x12, 0x06] + Array("falcon".utf8),
                header + [0x08, 0xD0, 0x23, 0x12, 0x07] + Array("giraffe".utf8),
                header + [0x08],  // truncated: reported and skipped
            ]
            try produce(cluster.bootstrapServers, topic: "animals", bytes: framed.map { (0, $0) })

            _ = try runScript("""
                SET 'ksql.schema.registry.url' = '\(registry.url)';
                CREATE STREAM animals WITH (KAFKA_TOPIC = 'animals', VALUE_FORMAT = 'PROTOBUF', VALUE_SCHEMA_FULL_NAME = 'ProtobufValue2',
                    'properties.bootstrap.servers' = '\(cluster.bootstrapServers)');
                CREATE STREAM big WITH (KAFKA_TOPIC = 'big', VALUE_FORMAT = 'PROTOBUF', 'properties.bootstrap.servers' = '\(cluster.bootstrapServers)')
                    AS SELECT B AS NAME, A * 2 AS DOUBLED FROM animals WHERE A > 2000;
                """)

            let written = try #require(try client.latest(subject: "big-value"))
            #expect(written.type == "PROTOBUF")
            #expect(try ProtobufRecordCodec.columns(of: written, named: nil) == [RowField("NAME", .varchar), RowField("DOUBLED", .bigint)])

            let fields = [Field("NAME", .varchar), Field("DOUBLED", .bigint)]
            let big = relation("big", fields, kafkaOptions(cluster, topic: "big", format: "protobuf"))
            let context = ConnectorContext(
                workingDirectory: NSTemporaryDirectory(), dataDirectory: NSTemporaryDirectory(), badRecords: BadRecordLog(),
                sessionOptions: ["ksql.schema.registry.url": registry.url])
            let reader = try KafkaConnector().makeSource(big, columns: [0, 1], context: context)
            var rows: [[Value]] = []
            while let batch = try reader.nextBatch(maxRows: 100) {
                for row in 0..<batch.count { rows.append(batch.row(row, types: fields.map(\.type))) }
            }
            #expect(rows == [[.string("giraffe"), .int(9120)]])
        }
    }
}
