import Foundation
import TestBrokers
import Testing

/// Kafka end to end, as a user runs it: `rivulet dev kafka` as the broker, `rivulet serve` with
/// a persistent query from a topic into a materialized table, events produced with `kcat`,
/// results and consumer lag read with psql (and lag from /metrics).
@Suite struct KafkaServeTests {
    static let kcat = ["/usr/bin/kcat", "/usr/bin/kafkacat"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// `rivulet dev kafka` with its topics; returns the process and the address it printed.
    static func startBroker(topics: [String]) throws -> (Process, String) {
        try startPrintingAddress(ServeProcess.executable, arguments: ["dev", "kafka"] + topics.flatMap { ["--topic", $0] })
    }

    /// Produces one message per line to a partition with kcat.
    static func produce(_ broker: String, topic: String, partition: Int, _ lines: [String]) throws {
        let kcat = try #require(Self.kcat, "kcat not found: install Debian's kcat")
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("kcat-\(UUID().uuidString)")
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kcat)
        process.arguments = ["-P", "-b", broker, "-t", topic, "-p", String(partition)]
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "kcat failed")
    }

    @Test("SET 'auto.offset.reset' = 'earliest', as ksqlDB scripts begin, starts a query without a consumer group at the start of its topic; without it the query starts at the end")
    func ksqlOffsetReset() async throws {
        let (broker, address) = try await offPool { try Self.startBroker(topics: ["pageviews:2"]) }
        defer {
            broker.terminate()
            broker.waitUntilExit()
        }
        try await offPool { try Self.produce(address, topic: "pageviews", partition: 0, ["{\"page\":\"a\"}", "{\"page\":\"b\"}"]) }
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // ksqlDB statements name no brokers.
        let server = try await ServeProcess.start(dataDirectory: directory, environment: ["RIVULET_KAFKA_BOOTSTRAP_SERVERS": address])
        _ = try await server.sql("CREATE STREAM pageviews (page VARCHAR) WITH (KAFKA_TOPIC = 'pageviews', VALUE_FORMAT = 'JSON')")
        #expect(try await server.sql("""
            SET 'auto.offset.reset' = 'earliest';
            CREATE TABLE from_start AS SELECT page, COUNT(*) AS n FROM pageviews GROUP BY page
            """) == "SET\nq1\n")
        #expect(try await server.sql("CREATE TABLE from_now AS SELECT page, COUNT(*) AS n FROM pageviews GROUP BY page") == "q2\n")
        // Once q2 reads (its partitions' lag is reported), a new message reaches both queries.
        #expect(try await ServeProcess.eventually(20) {
            let described = try await server.sql("DESCRIBE EXTENDED pageviews")
            return (0..<2).allSatisfy { described.contains("(query q2 lag pageviews/\($0))|consumer lag 0:") }
        })
        try await offPool { try Self.produce(address, topic: "pageviews", partition: 1, ["{\"page\":\"c\"}"]) }
        func rows(_ table: String) async throws -> String {
            try await server.sql("SELECT page, n FROM \(table)").split(separator: "\n").sorted().joined(separator: "\n")
        }
        var start = "", now = ""
        let arrived = try await ServeProcess.eventually(20) {
            start = try await rows("from_start")
            now = try await rows("from_now")
            return start == "a|1\nb|1\nc|1" && now == "c|1"
        }
        #expect(arrived, "from_start: \(start)\nfrom_now: \(now)\nserver: \(server.stderr)")
        await server.stop()
    }

    @Test("A persistent query reads a topic fed by kcat into a table psql reads; DESCRIBE EXTENDED and /metrics show the lag")
    func topicToMaterializedTable() async throws {
        let (broker, address) = try await offPool { try Self.startBroker(topics: ["clicks:3"]) }
        defer {
            broker.terminate()
            broker.waitUntilExit()
        }
        #expect(address.contains(":"))
        try await ServeProcess.with { server, _ in
            _ = try await server.sql("""
                CREATE STREAM clicks (user VARCHAR, n BIGINT)
                WITH ('connector' = 'kafka', 'topic' = 'clicks', 'format' = 'json', 'properties.bootstrap.servers' = '\(address)',
                      'properties.group.id' = 'dashboard', 'scan.startup.mode' = 'earliest-offset')
                """)
            #expect(try await server.sql("CREATE TABLE totals AS SELECT user, COUNT(*) AS clicks, SUM(n) AS total FROM clicks GROUP BY user") == "q1\n")
            try await offPool { try Self.produce(address, topic: "clicks", partition: 0, ["{\"user\":\"ann\",\"n\":1}", "{\"user\":\"bob\",\"n\":2}"]) }
            try await offPool { try Self.produce(address, topic: "clicks", partition: 2, ["{\"user\":\"ann\",\"n\":3}", "not json", "{\"user\":\"cy\",\"n\":4}"]) }
            let expected = "ann|2|4\nbob|1|2\ncy|1|4\n"
            var last = ""
            let arrived = try await ServeProcess.eventually(20) {
                let rows = try await server.sql("SELECT user, clicks, total FROM totals").split(separator: "\n")
                last = rows.sorted().map { $0 + "\n" }.joined()
                return last == expected
            }
            #expect(arrived, "totals: \(last)")
            // Every record read: no lag on any of the three partitions.
            var described = ""
            let caughtUp = try await ServeProcess.eventually(10) {
                described = try await server.sql("DESCRIBE EXTENDED clicks")
                return (0..<3).allSatisfy { described.contains("(query q1 lag clicks/\($0))|consumer lag 0:") }
            }
            #expect(caughtUp, "\(described)")
            #expect(described.contains("bad records 1"), "\(described)")
            let metrics = try RawSocket.httpGet(port: server.httpPort, path: "/metrics").body
            for partition in 0..<3 {
                #expect(metrics.contains(
                    "rivulet_query_kafka_consumer_lag{query=\"q1\",source=\"clicks\",topic=\"clicks\",partition=\"\(partition)\"} 0\n"),
                    "\(metrics)")
            }
        }
    }
}
