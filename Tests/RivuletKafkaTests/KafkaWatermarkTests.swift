import RivuletConnectors
import RivuletCore
import RivuletEngine
import RivuletRuntime
import Testing

@Suite("Per-partition watermarks")
struct KafkaWatermarkTests {
    @Test("A window over two partitions closes on the slower partition's watermark, not the faster one's")
    func windowWaitsForSlowestPartition() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["clicks": 2])
            // Partition 0 races ahead to 25 s while partition 1 is still in the first window.
            try produce(cluster, topic: "clicks", [
                (0, "{\"id\":1,\"ts\":1000}"), (0, "{\"id\":2,\"ts\":25000}"), (0, "{\"id\":3,\"ts\":26000}"), (0, "{\"id\":4,\"ts\":27000}"),
                (1, "{\"id\":5,\"ts\":2000}"), (1, "{\"id\":6,\"ts\":3000}"), (1, "{\"id\":7,\"ts\":5000}"), (1, "{\"id\":8,\"ts\":7000}"),
            ])
            let script = """
                CREATE TABLE clicks (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH (
                  'connector' = 'kafka', 'topic' = 'clicks', 'properties.bootstrap.servers' = '\(cluster.bootstrapServers)',
                  'format' = 'json', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
                SELECT window_start, COUNT(*) AS n
                FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                GROUP BY window_start, window_end;
                """
            for _ in 0..<2 {
                let report = try #require(try runScript(script))
                #expect(report.lateRows == 0)
                #expect(report.result?.rows == [[.timestamp(0), .int(5)], [.timestamp(20_000), .int(3)]])
            }
        }
    }

    @Test("The record timestamp is event time through kafka_timestamp")
    func recordTimestamp() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["pings": 1])
            try produce(cluster, topic: "pings", [(0, "a"), (0, "b")])
            let script = """
                CREATE TABLE pings (body STRING, kafka_timestamp TIMESTAMP(3),
                  WATERMARK FOR kafka_timestamp AS kafka_timestamp - INTERVAL '1' SECOND) WITH (
                  'connector' = 'kafka', 'topic' = 'pings', 'properties.bootstrap.servers' = '\(cluster.bootstrapServers)',
                  'format' = 'raw', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
                SELECT COUNT(*) AS n FROM TABLE(TUMBLE(TABLE pings, DESCRIPTOR(kafka_timestamp), INTERVAL '1' DAY))
                GROUP BY window_start, window_end;
                """
            let report = try #require(try runScript(script))
            #expect(report.result?.rows == [[.int(2)]])
        }
    }

    @Test("Flink's metadata columns: the record timestamp as event time, its partition and offset")
    func metadataColumns() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["taps": 2])
            try produce(cluster, topic: "taps", [(0, "a"), (0, "b"), (1, "c")])
            let table = """
                CREATE TABLE taps (
                  body STRING,
                  ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
                  part INT METADATA FROM 'partition' VIRTUAL,
                  `offset` BIGINT METADATA VIRTUAL,
                  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
                ) WITH (
                  'connector' = 'kafka', 'topic' = 'taps', 'properties.bootstrap.servers' = '\(cluster.bootstrapServers)',
                  'format' = 'raw', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
                """
            let read = try #require(try runScript(table + "SELECT body, part, `offset`, ts IS NOT NULL AS stamped FROM taps;"))
            let rows = try #require(read.result?.rows).sorted { "\($0[0])" < "\($1[0])" }
            #expect(rows == [[.string("a"), .int(0), .int(0), .boolean(true)], [.string("b"), .int(0), .int(1), .boolean(true)],
                             [.string("c"), .int(1), .int(0), .boolean(true)]])
            let windowed = try #require(try runScript(table + """
                SELECT COUNT(*) AS n FROM TABLE(TUMBLE(TABLE taps, DESCRIPTOR(ts), INTERVAL '1' DAY)) GROUP BY window_start, window_end;
                """))
            #expect(windowed.result?.rows == [[.int(3)]])
        }
    }

    @Test("The source watermark is the minimum over active partitions; finished and idle ones stop holding it back")
    func partitionWatermarks() {
        var watermarks = PartitionWatermarks(partitionCount: 3, delayMillis: 100)
        watermarks.observe(eventTime: 1_000, partition: 0)
        watermarks.observe(eventTime: 5_000, partition: 1)
        #expect(watermarks.watermark == Watermark.none)  // partition 2 has said nothing yet
        watermarks.setIdle(2, true)
        #expect(watermarks.watermark == 900)
        watermarks.finish(0)
        #expect(watermarks.watermark == 4_900)
        // An idle partition waking up behind the watermark does not move it back.
        watermarks.observe(eventTime: 2_000, partition: 2)
        #expect(watermarks.watermark == 4_900)
        watermarks.observe(eventTime: 9_000, partition: 2)
        watermarks.observe(eventTime: 7_000, partition: 1)
        #expect(watermarks.watermark == 6_900)
        watermarks.setIdle(1, true)
        #expect(watermarks.watermark == 8_900)
        watermarks.setIdle(2, true)
        #expect(watermarks.watermark == 8_900)  // everything idle: stays
    }
}
