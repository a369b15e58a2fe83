import Foundation
import RivuletConnectors
import RivuletCore
import RivuletEngine
import RivuletPlanner
import Testing

/// Kafka offsets belong to checkpoints: `rivulet run` reading a 3-partition topic into SQLite,
/// killed at moments inside checkpoints and at an arbitrary moment, then run again with the same
/// data directory, ends with exactly the rows of an uninterrupted run. The query starts from its
/// consumer group's offsets, which a restarted run must ignore in favour of its checkpoint's.
@Suite(.serialized) struct KafkaCheckpointTests {
    static let eventCount = 6_000
    static let runOptions = ["--batch-size", "40", "--checkpoint-interval", "1 ms"]

    static let script = """
        CREATE STREAM events (id BIGINT, account VARCHAR, amount BIGINT, ts TIMESTAMP(3),
          WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
        WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json', 'properties.bootstrap.servers' = '${KAFKA}',
              'properties.group.id' = '${GROUP}', 'scan.startup.mode' = 'group-offsets', 'properties.auto.offset.reset' = 'earliest',
              'scan.bounded.mode' = 'latest-offset',
              'timeout' = '10 s');
        CREATE TABLE totals (account VARCHAR, window_start TIMESTAMP(3), n BIGINT, total BIGINT, last_id BIGINT,
          PRIMARY KEY (account, window_start) NOT ENFORCED)
        WITH ('connector' = 'sqlite', 'path' = '${DB}', 'table' = 'totals');
        INSERT INTO totals
        SELECT account, window_start, COUNT(*), SUM(amount), MAX(id)
        FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
        GROUP BY account, window_start, window_end;
        """

    /// JSON events spread over the partitions unevenly, times rising with up to 2 s of disorder,
    /// so per-partition watermarks and late rows both matter.
    static func produceEvents(_ bootstrapServers: String) throws {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: UInt64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((state >> 33) % bound)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        var time: Int64 = 1_714_550_400_000
        var messages: [(partition: Int32, value: String?)] = []
        for id in 0..<eventCount {
            time += next(200)
            let ts = time - next(2_000)
            let text = formatter.string(from: Date(timeIntervalSince1970: Double(ts) / 1000))
            let partition = Int32(next(7) < 4 ? 0 : next(2) + 1)
            messages.append((partition, "{\"id\":\(id),\"account\":\"a\(next(12))\",\"amount\":\(next(1000)),\"ts\":\"\(text)\"}"))
        }
        try produce(bootstrapServers, topic: "events", messages)
    }

    static func run(
        _ script: URL, data: URL, kafka: String, db: URL, group: String = "totals", environment: [String: String] = [:], wait: Bool = true
    ) throws -> Process {
        let process = Process()
        process.executableURL = KafkaCommandTests.executable
        process.arguments = ["run", script.path, "--data-dir", data.path, "-D", "KAFKA=\(kafka)", "-D", "DB=\(db.path)", "-D", "GROUP=\(group)"] + runOptions
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if wait { process.waitUntilExit() }
        return process
    }

    /// The sink's rows, read back through the engine's SQLite source.
    static func rows(_ db: URL) throws -> [[Value]] {
        let report = try runScript("""
            CREATE TABLE t (account VARCHAR, window_start TIMESTAMP(3), n BIGINT, total BIGINT, last_id BIGINT)
            WITH ('connector' = 'sqlite', 'path' = '\(db.path)', 'table' = 'totals');
            SELECT * FROM t;
            """)
        return (report?.result?.rows ?? []).sorted { $0.description < $1.description }
    }

    @Test("Killed inside checkpoints and mid-run, then restarted: the SQLite sink equals an uninterrupted run's")
    func crashAndRestartEqualsUninterruptedRun() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["events": 3])
            try Self.produceEvents(cluster.bootstrapServers)
            let folder = try KafkaCommandTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let script = folder.appendingPathComponent("totals.sql")
            try Self.script.write(to: script, atomically: true, encoding: .utf8)

            let referenceDB = folder.appendingPathComponent("reference.db")
            let reference = try Self.run(script, data: folder.appendingPathComponent("reference-data"), kafka: cluster.bootstrapServers, db: referenceDB,
                                     group: "reference")
            #expect(reference.terminationStatus == 0)
            let expected = try Self.rows(referenceDB)
            #expect(expected.count > 100)

            let data = folder.appendingPathComponent("data")
            let db = folder.appendingPathComponent("crash.db")
            for (moment, checkpoint) in [("after-checkpoint-write", 4), ("before-checkpoint-write", 12), ("after-sink-commit", 25),
                                         ("after-checkpoint-write", 40)] {
                let crashed = try Self.run(script, data: data, kafka: cluster.bootstrapServers, db: db,
                                           environment: ["RIVULET_CRASH_AT": "\(moment):\(checkpoint)"])
                #expect(crashed.terminationReason == .uncaughtSignal, "\(moment):\(checkpoint) was never reached")
            }
            // The group heard of completed checkpoints, though no run has read to the end yet.
            let groupRead = kafkaOptions(cluster, topic: "events", ["properties.group.id": "totals", "scan.startup.mode": "group-offsets"])
            let unread = try readAll(relation("events", [Field("id", .bigint)], groupRead), maxRows: 10_000).rows.count
            #expect(unread > 0 && unread < Self.eventCount, "\(unread) events after the group's committed offsets")
            // That read moved the group to the end of the topic; the restarted runs must go on from
            // their checkpoints regardless.

            let killed = try Self.run(script, data: data, kafka: cluster.bootstrapServers, db: db, wait: false)
            waitForNewCheckpoint(in: data, of: killed)
            kill(killed.processIdentifier, SIGKILL)
            killed.waitUntilExit()

            let final = try Self.run(script, data: data, kafka: cluster.bootstrapServers, db: db)
            #expect(final.terminationStatus == 0)
            #expect(try Self.rows(db) == expected)
        }
    }
}
