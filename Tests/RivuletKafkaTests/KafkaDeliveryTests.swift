import Foundation
import RivuletConnectors
import RivuletCore
import RivuletEngine
import RivuletPlanner
import RivuletRuntime
import Testing

/// What the Kafka sinks promise about delivery, and what the source tells about its lag.
@Suite struct KafkaDeliveryTests {
    /// Runs a script with a checkpoint after every step that moved rows; returns the last query's report.
    static func runWithCheckpoints(_ sql: String, batchSize: Int = 5) throws -> QueryReport? {
        let directory = NSTemporaryDirectory() + "rivulet-kafka-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = Engine(configuration: EngineConfiguration(
            workingDirectory: directory, dataDirectory: directory, batchSize: batchSize, checkpointIntervalMillis: 0))
        var last: QueryReport?
        for query in try engine.execute(script: sql).flatMap(\.queries) { last = try engine.run(query) }
        return last
    }

    static func source(_ cluster: KafkaMockCluster, _ topic: String) -> String {
        """
        CREATE STREAM clicks (user VARCHAR, n BIGINT)
        WITH ('connector' = 'kafka', 'topic' = '\(topic)', 'format' = 'json', 'properties.bootstrap.servers' = '\(cluster.bootstrapServers)',
              'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'timeout' = '5 s');
        """
    }

    @Test("exactly-once: a query with checkpoints writes through Kafka transactions, every row once")
    func exactlyOnceWritesEveryRowOnce() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["clicks": 2, "big": 1])
            try produce(cluster, topic: "clicks", (0..<60).map { (Int32($0 % 2), "{\"user\":\"u\($0 % 7)\",\"n\":\($0)}") })
            let report = try Self.runWithCheckpoints(Self.source(cluster, "clicks") + """
                CREATE TABLE big (user VARCHAR, n BIGINT)
                WITH ('connector' = 'kafka', 'topic' = 'big', 'format' = 'json', 'properties.bootstrap.servers' = '\(cluster.bootstrapServers)',
                      'sink.delivery-guarantee' = 'exactly-once', 'timeout' = '5 s');
                INSERT INTO big SELECT user, n FROM clicks WHERE n >= 20;
                """)
            #expect((report?.checkpoints?.taken ?? 0) > 1)
            let rows = try readAll(relation("big", [Field("n", .bigint)], kafkaOptions(cluster, topic: "big"))).rows
            let written: [Int64] = rows.compactMap { row -> Int64? in
                if case .int(let n) = row[0] { return n }
                return nil
            }
            #expect(written.count == rows.count)
            #expect(written.sorted() == Array(20..<60))
        }
    }

    @Test("exactly-once needs a topic that exists and names its transactional.id after the query")
    func exactlyOnceOptions() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["out": 1])
            let table = [Field("k", .varchar)]
            let sink = relation("out", table, kafkaOptions(cluster, topic: "out", ["sink.delivery-guarantee": "exactly-once",
                                                                                  "sink.transactional-id-prefix": "reports"]))
            let writer = try KafkaConnector().makeSink(sink, context: context())
            let transactional = try #require(writer as? any TransactionalSink)
            // Nothing committed yet for this query: it starts from the beginning.
            #expect(try transactional.beginCheckpointing(query: "q1") == nil)
            try transactional.write(batch([.varchar], [[.string("a")], [.string("b")]]))
            try transactional.commit(CheckpointMark(query: "q1", instance: "i", checkpoint: 1))
            try transactional.close()
            #expect(try readAll(relation("out", table, kafkaOptions(cluster, topic: "out"))).rows == [[.string("a")], [.string("b")]])

            let missing = relation("gone", table, kafkaOptions(cluster, topic: "gone", ["sink.delivery-guarantee": "exactly-once"]))
            let error = sqlError {
                let sink = try KafkaConnector().makeSink(missing, context: context()) as! any TransactionalSink
                _ = try sink.beginCheckpointing(query: "q1")
            }
            #expect(error?.message.contains("does not exist") == true)
        }
    }

    @Test("at-least-once: a delivery that fails makes the flush at the checkpoint fail, never drops silently")
    func failedDeliveryFailsTheCheckpoint() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["out": 1])
            let table = [Field("k", .varchar)]
            let sink = try KafkaConnector().makeSink(relation("out", table, kafkaOptions(cluster, topic: "out", ["timeout": "1 s"])), context: context())
            cluster.setBrokersUp(false)
            defer { cluster.setBrokersUp(true) }
            try sink.write(batch([.varchar], [[.string("lost?")]]))
            let error = sqlError { try sink.flush() }
            #expect(error != nil)
            #expect(error?.message.contains("out") == true)
        }
    }

    @Test("upsert-kafka: an aggregate's updates replace values, -U writes no tombstone, only a delete does")
    func upsertKafkaUpdatesWithoutTombstones() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["clicks": 1, "totals": 1])
            try produce(cluster, topic: "clicks", [
                (0, "{\"user\":\"ann\",\"n\":1}"), (0, "{\"user\":\"bob\",\"n\":2}"), (0, "{\"user\":\"ann\",\"n\":3}"),
                (0, "{\"user\":\"ann\",\"n\":4}"), (0, "{\"user\":\"bob\",\"n\":5}"),
            ])
            _ = try runScript(Self.source(cluster, "clicks") + """
                CREATE TABLE totals (user VARCHAR, total BIGINT, PRIMARY KEY (user) NOT ENFORCED)
                WITH ('connector' = 'upsert-kafka', 'topic' = 'totals', 'key.format' = 'raw', 'value.format' = 'json',
                      'properties.bootstrap.servers' = '\(cluster.bootstrapServers)', 'timeout' = '5 s');
                INSERT INTO totals SELECT user, SUM(n) FROM clicks GROUP BY user;
                """)
            let raw = relation("raw", [Field("value", .varchar), Field("kafka_key", .varchar)], kafkaOptions(cluster, topic: "totals", format: "raw"))
            let messages = try readAll(raw).rows
            #expect(!messages.isEmpty)
            #expect(messages.allSatisfy { $0[0] != .null }, "a tombstone for an update: \(messages)")
            var latest: [Value: Value] = [:]
            for message in messages { latest[message[1]] = message[0] }
            #expect(latest == [.string("ann"): .string("{\"user\":\"ann\",\"total\":8}"), .string("bob"): .string("{\"user\":\"bob\",\"total\":7}")])
        }
    }

    @Test("The source reports each partition's consumer lag: records written but not yet read")
    func consumerLag() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["jobs": 2])
            try produce(cluster, topic: "jobs", (0..<10).map { (Int32($0 < 7 ? 0 : 1), "{\"n\":\($0)}") })
            let events = relation("jobs", [Field("n", .bigint)], kafkaOptions(cluster, topic: "jobs"))
            let reader = try KafkaConnector().makeSource(events, columns: [0], context: context())
            let lagging = try #require(reader as? any LagReportingSource)
            #expect(lagging.partitionLags.map(\.lag) == [7, 3])
            // One record from each partition in turn: 4 rows are 2 + 2.
            _ = try reader.nextBatch(maxRows: 4)
            #expect(lagging.partitionLags.map(\.lag) == [5, 1])
            #expect(lagging.partitionLags.map(\.position) == [2, 2])
            while let batch = try reader.nextBatch(maxRows: 100), batch.count > 0 {}
            #expect(lagging.partitionLags.map(\.lag) == [0, 0])
            #expect(lagging.partitionLags.allSatisfy { $0.source == "jobs" && $0.topic == "jobs" })
        }
    }
}
