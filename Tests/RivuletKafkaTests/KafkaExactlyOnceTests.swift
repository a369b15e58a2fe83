#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RivuletCore
import TestBrokers
import Testing

/// `'sink.delivery-guarantee' = 'exactly-once'` against a broker that implements transactions:
/// `rivulet run` reading a 3-partition topic into a Kafka topic, killed inside checkpoints and at
/// an arbitrary moment, then run again with the same data directory, leaves a `read_committed`
/// reader of the output topic exactly the rows of an uninterrupted run — none twice, none missing.
@Suite(.serialized) struct KafkaExactlyOnceTests {
    /// The checkpoint tests' windowed aggregation, into a Kafka topic and transactional.id of its
    /// own per run (`${GROUP}`), so the uninterrupted run and the crashed one do not meet.
    static let script = """
        CREATE STREAM events (id BIGINT, account VARCHAR, amount BIGINT, ts TIMESTAMP(3),
          WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
        WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json', 'properties.bootstrap.servers' = '${KAFKA}',
              'properties.group.id' = '${GROUP}', 'scan.startup.mode' = 'group-offsets', 'properties.auto.offset.reset' = 'earliest',
              'scan.bounded.mode' = 'latest-offset', 'timeout' = '10 s');
        CREATE TABLE totals (account VARCHAR, window_start TIMESTAMP(3), n BIGINT, total BIGINT, last_id BIGINT)
        WITH ('connector' = 'kafka', 'topic' = '${GROUP}', 'format' = 'json', 'properties.bootstrap.servers' = '${KAFKA}',
              'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${GROUP}', 'timeout' = '10 s');
        INSERT INTO totals
        SELECT account, window_start, COUNT(*), SUM(amount), MAX(id)
        FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
        GROUP BY account, window_start, window_end;
        """

    /// The output topic's rows as a `read_committed` consumer sees them, sorted. (A
    /// `read_uncommitted` reader usually sees the aborted rows of the killed runs too, but whether
    /// a killed run had sent any depends on timing, so that is not asserted.)
    static func rows(_ broker: TransactionalKafkaBroker, topic: String) throws -> [[Value]] {
        let fields = [Field("account", .varchar), Field("window_start", .timestamp(precision: 3)), Field("n", .bigint), Field("total", .bigint),
                      Field("last_id", .bigint)]
        let options = kafkaOptions(broker.bootstrapServers, topic: topic, ["properties.isolation.level": "read_committed", "timeout": "10 s"])
        return try readAll(relation(topic, fields, options), maxRows: 10_000).rows.sorted { $0.description < $1.description }
    }

    @Test("Killed inside checkpoints and mid-run, then restarted: read_committed sees exactly an uninterrupted run's rows")
    func crashAndRestartEqualsUninterruptedRun() async throws {
        try await offPool {
            let broker = try TransactionalKafkaBroker()
            try broker.createTopics(["events": 3, "reference": 1, "crashed": 1])
            try KafkaCheckpointTests.produceEvents(broker.bootstrapServers)
            let folder = try KafkaCommandTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let script = folder.appendingPathComponent("totals.sql")
            try Self.script.write(to: script, atomically: true, encoding: .utf8)
            let unused = folder.appendingPathComponent("unused.db")

            let reference = try KafkaCheckpointTests.run(script, data: folder.appendingPathComponent("reference-data"), kafka: broker.bootstrapServers,
                                                         db: unused, group: "reference")
            #expect(reference.terminationStatus == 0, "\(broker.output)")
            let expected = try Self.rows(broker, topic: "reference")
            #expect(expected.count > 100)
            #expect(Set(expected.map(\.description)).count == expected.count, "the uninterrupted run wrote a row twice")

            let data = folder.appendingPathComponent("data")
            for (moment, checkpoint) in [("after-checkpoint-write", 4), ("before-checkpoint-write", 12), ("after-sink-commit", 25),
                                         ("after-checkpoint-write", 40)] {
                let crashed = try KafkaCheckpointTests.run(script, data: data, kafka: broker.bootstrapServers, db: unused, group: "crashed",
                                                           environment: ["RIVULET_CRASH_AT": "\(moment):\(checkpoint)"])
                #expect(crashed.terminationReason == .uncaughtSignal, "\(moment):\(checkpoint) was never reached")
            }
            let killed = try KafkaCheckpointTests.run(script, data: data, kafka: broker.bootstrapServers, db: unused, group: "crashed", wait: false)
            waitForNewCheckpoint(in: data, of: killed)
            kill(killed.processIdentifier, SIGKILL)
            killed.waitUntilExit()

            let final = try KafkaCheckpointTests.run(script, data: data, kafka: broker.bootstrapServers, db: unused, group: "crashed")
            #expect(final.terminationStatus == 0)
            let rows = try Self.rows(broker, topic: "crashed")
            #expect(rows.count == expected.count)
            #expect(rows == expected)
        }
    }
}
