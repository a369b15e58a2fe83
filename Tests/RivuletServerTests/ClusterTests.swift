import Foundation
import TestBrokers
import Testing

/// Several `rivulet serve --cluster` processes over one real Kafka broker (noida-db, which keeps
/// consumer groups as Kafka does; it never expires a dead member, so a killed server comes back
/// under its own id): a shared catalog, a persistent query split across the servers by its
/// consumer group, a server killed and restarted, and a query the cluster cannot split.
@Suite(.serialized) struct ClusterTests {
    static let partitions = 6

    /// One server of cluster `c1`, on its own data directory.
    static func startMember(_ id: String, broker: String, dataDirectory: URL? = nil) async throws -> ServeProcess {
        try await ServeProcess.start(
            dataDirectory: dataDirectory ?? ServeProcess.temporaryDirectory(),
            arguments: ["--cluster", "c1", "--server-id", id, "--cluster-bootstrap", broker])
    }

    static func createStreams(on server: ServeProcess, broker: String, sink: String) async throws {
        _ = try await server.sql("""
            CREATE STREAM events (id BIGINT, kind VARCHAR)
            WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json', 'properties.bootstrap.servers' = '\(broker)')
            """)
        _ = try await server.sql("""
            CREATE STREAM \(sink) (id BIGINT, kind VARCHAR)
            WITH ('connector' = 'kafka', 'topic' = '\(sink)', 'format' = 'json', 'properties.bootstrap.servers' = '\(broker)')
            """)
    }

    static func startQuery(on server: ServeProcess, sink: String) async throws -> String {
        try await server.sql("""
            SET 'auto.offset.reset' = 'earliest';
            INSERT INTO \(sink) SELECT id, UPPER(kind) AS kind FROM events WHERE kind <> 'skip'
            """)
    }

    /// `count` events per partition, one in five of kind 'skip'; ids start at `first`.
    static func produceEvents(_ broker: String, first: Int, count: Int) async throws {
        for partition in 0..<partitions {
            let lines = (0..<count).map { n -> String in
                let id = first + partition * count + n
                return "{\"id\":\(id),\"kind\":\"\(id % 5 == 0 ? "skip" : "k\(id % 7)")\"}"
            }
            try await offPool { try KafkaServeTests.produce(broker, topic: "events", partition: partition, lines) }
        }
    }

    /// Every record of `topic`, read from the start with kcat, sorted.
    static func records(_ broker: String, topic: String) async throws -> [String] {
        let kcat = try #require(KafkaServeTests.kcat, "kcat not found: install Debian's kcat")
        return try await offPool {
            let output = try toolOutput(kcat, ["-C", "-b", broker, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\n"])
            return output.split(separator: "\n").map(String.init).sorted()
        }
    }

    /// The partitions `server` reads for `query`, from the last column of its SHOW QUERIES.
    static func ownedPartitions(_ server: ServeProcess, query: String) async throws -> Set<String> {
        let rows = try await server.sql("SHOW QUERIES").split(separator: "\n")
        guard let row = rows.first(where: { $0.hasPrefix("\(query)|") }), let last = row.split(separator: "|", omittingEmptySubsequences: false).last
        else { return [] }
        return Set(last.split(separator: ",").map(String.init))
    }

    /// Waits until the servers own every partition of `events` once between them, each some.
    static func waitForSplit(_ servers: [ServeProcess], query: String) async throws -> [Set<String>] {
        var owned: [Set<String>] = []
        let split = try await ServeProcess.eventually(90) {
            owned = []
            for server in servers { owned.append(try await ownedPartitions(server, query: query)) }
            let all = owned.reduce(into: [String]()) { $0 += $1 }
            return all.count == partitions && Set(all) == Set((0..<partitions).map { "events/\($0)" }) && owned.allSatisfy { !$0.isEmpty }
        }
        #expect(split, "partitions owned: \(owned)\n\(servers.map(\.stderr).joined(separator: "\n---\n"))")
        return owned
    }

    /// The one-process run: the same statements on a server outside any cluster, into `sink`.
    static func singleServerRun(_ broker: String, sink: String, expectedCount: Int) async throws -> [String] {
        let alone = try await ServeProcess.start(dataDirectory: ServeProcess.temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: alone.dataDirectory) }
        try await createStreams(on: alone, broker: broker, sink: sink)
        #expect(try await startQuery(on: alone, sink: sink) == "SET\nq1\n")
        var rows: [String] = []
        let done = try await ServeProcess.eventually(60) {
            rows = try await records(broker, topic: sink)
            return rows.count >= expectedCount
        }
        #expect(done, "one-process run wrote \(rows.count) of \(expectedCount) rows\n\(alone.stderr)")
        await alone.stop()
        return rows
    }

    @Test("A statement given to one server defines it on all; a filter query runs split over the servers' partitions and writes exactly the one-process rows; a GROUP BY is refused")
    func sharedCatalogAndSplitQuery() async throws {
        let broker = try await offPool { try TransactionalKafkaBroker() }
        try broker.createTopics(["events": Self.partitions, "picked": 1, "picked_alone": 1])
        let address = broker.bootstrapServers
        var servers: [ServeProcess] = []
        defer { for server in servers { server.kill() } }
        for id in ["s1", "s2", "s3"] { servers.append(try await Self.startMember(id, broker: address)) }

        // (a) Defined on s1, visible on s2 and s3 (through their pgwire ports).
        try await Self.createStreams(on: servers[0], broker: address, sink: "picked")
        for server in servers.dropFirst() {
            var streams = ""
            let visible = try await ServeProcess.eventually(30) {
                streams = try await server.sql("SHOW STREAMS")
                return streams.contains("events") && streams.contains("picked")
            }
            #expect(visible, "SHOW STREAMS: \(streams)\n\(server.stderr)")
            let described = try await server.sql("DESCRIBE events")
            #expect(described.contains("id|") && described.contains("kind|"), "\(described)")
        }

        // (d) A GROUP BY over a non-key column needs a repartition: refused, and no server keeps its table.
        let refused = try await servers[2].psql(["-c", "CREATE TABLE kinds AS SELECT kind, COUNT(*) AS n FROM events GROUP BY kind"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("an aggregation (GROUP BY) needs a repartition"), "\(refused.stderr)")
        #expect(refused.stderr.contains("in a cluster, persistent queries may filter, project"), "\(refused.stderr)")
        for server in servers {
            #expect(try await server.sql("SHOW TABLES") == "", "\(server.stderr)")
        }

        // (b) Started on s2, the query runs on every server, each owning some partitions, none twice.
        #expect(try await Self.startQuery(on: servers[1], sink: "picked") == "SET\nq1\n")
        let owned = try await Self.waitForSplit(servers, query: "q1")
        for (server, partitions) in zip(servers, owned) {
            for partition in partitions {
                #expect(server.stderr.contains("query partitions assigned") && server.stderr.contains("\(partition) from offset"),
                        "\(server.stderr)")
            }
        }

        try await Self.produceEvents(address, first: 1, count: 50)
        let expected = try await Self.singleServerRun(address, sink: "picked_alone", expectedCount: 240)
        #expect(expected.count == 240)
        var written: [String] = []
        let arrived = try await ServeProcess.eventually(60) {
            written = try await Self.records(address, topic: "picked")
            return written.count >= expected.count
        }
        #expect(arrived, "cluster wrote \(written.count) of \(expected.count) rows")
        // No rebalance happened while rows flowed, so each row was read once: the same multiset.
        #expect(written == expected)
        // The rows really came from every server.
        for server in servers {
            let queries = try await server.sql("SHOW QUERIES")
            let rowsIn = queries.split(separator: "|").dropFirst(2).first.flatMap { Int($0) } ?? 0
            #expect(rowsIn > 0, "\(queries)")
        }
        for server in servers { await server.stop() }
        for server in servers { try? FileManager.default.removeItem(at: server.dataDirectory) }
    }

    @Test("A server joining takes partitions from a running one; killed with SIGKILL and restarted under its id, it gets them back; every row reaches the sink, duplicates only from the partitions that moved")
    func joiningAndKilledServer() async throws {
        let broker = try await offPool { try TransactionalKafkaBroker() }
        try broker.createTopics(["events": Self.partitions, "picked": 1, "picked_alone": 1])
        let address = broker.bootstrapServers
        var servers: [ServeProcess] = []
        defer { for server in servers { server.kill() } }
        servers.append(try await Self.startMember("s1", broker: address))
        try await Self.createStreams(on: servers[0], broker: address, sink: "picked")
        #expect(try await Self.startQuery(on: servers[0], sink: "picked") == "SET\nq1\n")
        // Alone, s1 reads every partition.
        _ = try await Self.waitForSplit(servers, query: "q1")
        try await Self.produceEvents(address, first: 1, count: 50)
        #expect(try await ServeProcess.eventually(60) { try await Self.records(address, topic: "picked").count >= 240 })

        // s2 joins (replaying the catalog, it runs q1 too): s1 gives up partitions, s2 resumes them where s1 committed.
        servers.append(try await Self.startMember("s2", broker: address))
        let before = try await Self.waitForSplit(servers, query: "q1")
        #expect(servers[0].stderr.contains("query partitions revoked"), "\(servers[0].stderr)")
        try await Self.produceEvents(address, first: 1_000, count: 50)
        #expect(try await ServeProcess.eventually(60) { try await Self.records(address, topic: "picked").count >= 480 })

        servers[1].kill()
        let killedDirectory = servers[1].dataDirectory
        // Rows produced while s2 is dead wait in its partitions (the group keeps them for it).
        try await Self.produceEvents(address, first: 2_000, count: 50)
        servers[1] = try await Self.startMember("s2", broker: address, dataDirectory: killedDirectory)
        let after = try await Self.waitForSplit(servers, query: "q1")
        #expect(after == before, "before the kill: \(before), after the restart: \(after)")

        let expected = try await Self.singleServerRun(address, sink: "picked_alone", expectedCount: 720)
        #expect(expected.count == 720)
        var written: [String] = []
        let complete = try await ServeProcess.eventually(60) {
            written = try await Self.records(address, topic: "picked")
            return Set(written) == Set(expected)
        }
        // At least once: every row of the one-process run, nothing else.
        #expect(complete, "missing: \(Set(expected).subtracting(written).sorted().prefix(10)); extra: \(Set(written).subtracting(expected).sorted().prefix(10))")
        // A row is written twice only when it was read after the last committed checkpoint of a
        // partition that then moved: to s2 when it joined, or back to s2 when it was killed.
        var counts: [String: Int] = [:]
        for row in written { counts[row, default: 0] += 1 }
        let movedPartitions = Set(before[1].compactMap { Int($0.split(separator: "/").last!) })
        for (row, count) in counts where count > 1 {
            let id = try #require(Int(row.split(separator: ":")[1].split(separator: ",")[0]))
            let partition = (id % 1_000 - (id < 1_000 ? 1 : 0)) / 50
            #expect(movedPartitions.contains(partition), "row \(row) written \(count) times, from partition \(partition)")
        }
        for server in servers { await server.stop() }
        for server in servers { try? FileManager.default.removeItem(at: server.dataDirectory) }
    }
}
