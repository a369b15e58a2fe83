import Foundation
import RivuletConnectors
import RivuletCore
import RivuletPlanner
import TestBrokers
import Testing

@Suite("rivulet run and rivulet dev kafka with Kafka")
struct KafkaCommandTests {
    /// The built `rivulet` binary next to the test bundle.
    static var executable: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("rivulet")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/rivulet")
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-kafka-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("rivulet run reads a Kafka topic end to end, the address given with -D, bad records reported")
    func runScript() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["pageviews": 2])
            try produce(cluster, topic: "pageviews", [
                (0, "{\"url\":\"/a\",\"ts\":\"2024-01-01 00:00:01\"}"), (1, "{\"url\":\"/b\",\"ts\":\"2024-01-01 00:00:02\"}"),
                (0, "{\"url\":\"/a\",\"ts\":\"2024-01-01 00:00:12\"}"), (1, "oops"),
            ])
            let folder = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let script = folder.appendingPathComponent("views.sql")
            try """
                CREATE STREAM pageviews (url VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
                WITH (KAFKA_TOPIC = 'pageviews', VALUE_FORMAT = 'JSON', 'properties.bootstrap.servers' = '${KAFKA}',
                      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'timeout' = '10 s');
                CREATE TABLE counts (window_start TIMESTAMP(3), url VARCHAR, views BIGINT)
                WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
                INSERT INTO counts
                SELECT window_start, url, COUNT(*) FROM TABLE(TUMBLE(TABLE pageviews, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                GROUP BY window_start, window_end, url;
                """.write(to: script, atomically: true, encoding: .utf8)

            let process = Process()
            process.executableURL = Self.executable
            process.arguments = ["run", script.path, "-D", "KAFKA=\(cluster.bootstrapServers)"]
            let errors = folder.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errors)
            try process.run()
            process.waitUntilExit()
            let stderr = try String(contentsOf: errors, encoding: .utf8)
            #expect(process.terminationStatus == 0, "\(stderr)")
            #expect(stderr.contains("pageviews/1@1"))

            let out = folder.appendingPathComponent("out")
            let parts = try FileManager.default.contentsOfDirectory(atPath: out.path)
            let rows = try parts.flatMap { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8).split(separator: "\n") }
            #expect(rows.sorted() == [
                "2024-01-01 00:00:00.000,/a,1", "2024-01-01 00:00:00.000,/b,1", "2024-01-01 00:00:10.000,/a,1",
            ])
        }
    }

    @Test("rivulet dev kafka prints an address where its topics can be written and read")
    func devKafka() async throws {
        try await offPool {
            let (process, address) = try startPrintingAddress(Self.executable, arguments: ["dev", "kafka", "--topic", "dev:3"])
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            #expect(address.contains(":"))

            let fields = [Field("n", .bigint), Field("kafka_partition", .integer)]
            var options = ["topic": "dev", "properties.bootstrap.servers": address, "format": "json",
                           "scan.startup.mode": "earliest-offset", "scan.bounded.mode": "latest-offset", "timeout": "5 s"]
            try write(relation("dev", [fields[0]], options), batch([.bigint], (1...6).map { [.int(Int64($0))] }))
            let (rows, _) = try readAll(relation("dev", fields, options))
            #expect(rows.map { $0[0] }.count == 6)
            options["topic"] = "nope"
            #expect(sqlError { _ = try readAll(relation("dev", fields, options)) }?.message.contains("does not exist") == true)
        }
    }

    @Test("A bounded read commits its end offsets to the consumer group; group-offsets resumes from there")
    func committedOffsets() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["jobs": 2])
            try produce(cluster, topic: "jobs", [(0, "{\"n\":1}"), (1, "{\"n\":2}")])
            let fields = [Field("n", .bigint)]
            let group = ["properties.group.id": "reporting"]
            #expect(try readAll(relation("jobs", fields, kafkaOptions(cluster, topic: "jobs", group))).rows.count == 2)
            try produce(cluster, topic: "jobs", [(1, "{\"n\":3}")])
            var resume = kafkaOptions(cluster, topic: "jobs", group)
            resume["scan.startup.mode"] = "group-offsets"
            #expect(try readAll(relation("jobs", fields, resume)).rows == [[.int(3)]])
        }
    }
}
