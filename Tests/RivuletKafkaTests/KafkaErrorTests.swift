import Foundation
import RivuletConnectors
import RivuletCore
import RivuletPlanner
import Testing

@Suite("Kafka errors are clear and bounded in time")
struct KafkaErrorTests {
    let fields = [Field("id", .bigint)]

    @Test("Reading a topic that does not exist names it")
    func unknownTopic() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["present": 1])
            let error = sqlError { _ = try readAll(relation("t", fields, kafkaOptions(cluster, topic: "absent"))) }
            #expect(error?.message.contains("'absent' does not exist") == true)
        }
    }

    @Test("Brokers that are down give an error within the timeout, for sources and sinks")
    func brokersDown() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["t": 1])
            cluster.setBrokersUp(false)
            let options = kafkaOptions(cluster, topic: "t", ["timeout": "2 s"])
            let started = Date()
            let read = sqlError { _ = try readAll(relation("t", fields, options)) }
            #expect(read?.message.contains(cluster.bootstrapServers) == true)
            let written = sqlError { try write(relation("t", fields, options), batch([.bigint], [[.int(1)]])) }
            #expect(written != nil)
            #expect(Date().timeIntervalSince(started) < 30)
        }
    }

    @Test("Unknown librdkafka properties and bad options are refused when the table is declared")
    func badOptions() async throws {
        try await offPool {
            let connector = KafkaConnector()
            let base = ["topic": "t", "properties.bootstrap.servers": "localhost:1", "format": "json"]
            func check(_ extra: [String: String], _ fields: [Field] = [Field("id", .bigint)]) -> SQLError? {
                var options = base
                for (key, value) in extra { options[key] = value }
                return sqlError { try connector.validate(relation("t", fields, options), asSink: false) }
            }
            #expect(check([:]) == nil)
            #expect(check(["properties.no.such.property": "1"])?.message.contains("properties.no.such.property") == true)
            #expect(check(["scan.startup.mode": "earliest-ofset"])?.hint?.contains("earliest-offset") == true)
            #expect(check(["format": "parquet"])?.message.contains("parquet") == true)
            #expect(check([:], [Field("kafka_partition", .varchar)])?.message.contains("kafka_partition") == true)
            #expect(check(["format": "raw"], [Field("a", .varchar), Field("b", .varchar)]) != nil)
        }
    }
}
