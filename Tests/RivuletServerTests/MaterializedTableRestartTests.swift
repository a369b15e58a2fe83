import Foundation
import TestBrokers
import Testing

/// A table that `CREATE TABLE ... AS SELECT` materializes in memory comes back after a restart
/// from its query's last checkpoint, and the query resumes there instead of reading its sources
/// again from their beginning (which a Kafka topic past its retention no longer holds).
@Suite struct MaterializedTableRestartTests {
    static let definitions = """
        CREATE STREAM s (name VARCHAR);
        INSERT INTO s VALUES ('a'), ('b'), ('a')
        """
    static let table = "CREATE TABLE counts AS SELECT name, COUNT(*) AS n FROM s GROUP BY name"

    /// Killed after its first checkpoint is on disk, before the table was saved with it, or just
    /// after: either way the restarted table counts every row exactly once.
    @Test(arguments: ["after-checkpoint-write", "after-sink-commit"])
    func aKilledServerCountsEachRowOnce(moment: String) async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let crashing = try await ServeProcess.start(dataDirectory: directory, environment: ["RIVULET_CRASH_AT": "\(moment):1"])
        _ = try await crashing.sql(Self.definitions)
        #expect(try await crashing.sql(Self.table) == "q1\n")
        #expect(try await ServeProcess.eventually { !crashing.process.isRunning })
        await crashing.stop()
        #expect(crashing.process.terminationReason == .uncaughtSignal, "the crash point was never reached: \(crashing.stderr)")

        let server = try await ServeProcess.start(dataDirectory: directory)
        defer { server.kill() }
        #expect(try await ServeProcess.eventually { try await server.sql("SELECT name, n FROM counts") == "a|2\nb|1\n" })
        _ = try await server.sql("INSERT INTO s VALUES ('b')")
        #expect(try await ServeProcess.eventually { try await server.sql("SELECT name, n FROM counts") == "a|2\nb|2\n" })
    }
}

/// The table outlives its source's retention: records a topic no longer holds still count.
@Suite struct MaterializedTableRetentionTests {
    @Test func aTableCountsRecordsItsTopicHasSinceDeleted() async throws {
        let broker = try await offPool { try TransactionalKafkaBroker() }
        try await offPool { try broker.createTopics(["payments": 1]) }
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let server = try await ServeProcess.start(dataDirectory: directory)
            _ = try await server.sql("""
                CREATE STREAM payments (account VARCHAR) WITH (
                  'connector' = 'kafka', 'topic' = 'payments', 'properties.bootstrap.servers' = '\(broker.bootstrapServers)',
                  'format' = 'json', 'scan.startup.mode' = 'earliest-offset');
                INSERT INTO payments VALUES ('a'), ('b'), ('a')
                """)
            #expect(try await server.sql("CREATE TABLE counts AS SELECT account, COUNT(*) AS n FROM payments GROUP BY account") == "q1\n")
            #expect(try await ServeProcess.eventually { try await server.sql("SELECT account, n FROM counts") == "a|2\nb|1\n" })
            #expect(await server.stop() == 0)
        }
        try await offPool { try broker.deleteRecords(topic: "payments", partition: 0, before: 3) }
        let server = try await ServeProcess.start(dataDirectory: directory)
        defer { server.kill() }
        _ = try await server.sql("INSERT INTO payments VALUES ('b')")
        #expect(try await ServeProcess.eventually { try await server.sql("SELECT account, n FROM counts") == "a|2\nb|2\n" })
    }
}
