import Foundation
import TestBrokers
import Testing

/// ksqlDB's `CREATE SOURCE CONNECTOR` with Debezium's Postgres class, against a real Postgres
/// (`wal_level = logical`) and a real broker (noida-db): the tables' snapshot and then their
/// inserts, updates and deletes become Debezium change events on `<topic.prefix>.<schema>.<table>`,
/// which tables declared over those topics read back as the Postgres tables' rows — also after
/// the server restarts, resuming where it stopped without writing an event twice.
@Suite(.serialized) struct SourceConnectorTests {
    static let enabled = PostgresServer.isAvailable && KafkaServeTests.kcat != nil

    static func createConnector(_ postgres: PostgresServer, name: String = "shop_reader") -> String {
        """
        CREATE SOURCE CONNECTOR \(name) WITH (
          "connector.class" = 'io.debezium.connector.postgresql.PostgresConnector',
          'database.hostname' = '127.0.0.1', 'database.port' = '\(postgres.port)', 'database.user' = 'rivulet',
          'database.password' = '', 'database.dbname' = 'postgres', 'topic.prefix' = 'shop',
          'table.include.list' = 'public.users,public.products', 'slot.name' = 'shop_slot', 'plugin.name' = 'pgoutput',
          'tasks.max' = '1', 'value.converter' = 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable' = 'false')
        """
    }

    /// Tables over the connector's topics, and materialized copies of them to read.
    static func declareReaders(_ broker: String) -> String {
        """
        CREATE TABLE users_cdc (id INT, name VARCHAR, region VARCHAR, PRIMARY KEY (id) NOT ENFORCED) WITH (
          'connector' = 'kafka', 'topic' = 'shop.public.users', 'properties.bootstrap.servers' = '\(broker)',
          'format' = 'debezium-json', 'scan.startup.mode' = 'earliest-offset');
        CREATE TABLE products_cdc (sku VARCHAR, price BIGINT, PRIMARY KEY (sku) NOT ENFORCED) WITH (
          'connector' = 'kafka', 'topic' = 'shop.public.products', 'properties.bootstrap.servers' = '\(broker)',
          'format' = 'debezium-json', 'scan.startup.mode' = 'earliest-offset');
        CREATE TABLE users_copy AS SELECT id, name, region FROM users_cdc;
        CREATE TABLE region_users AS SELECT region, COUNT(*) AS n FROM users_cdc GROUP BY region;
        CREATE TABLE products_copy AS SELECT sku, price FROM products_cdc
        """
    }

    /// Changes in separate transactions and one transaction over both tables; `round` varies them.
    static func change(_ postgres: PostgresServer, round: Int) throws {
        let base = round * 100
        _ = try postgres.rows("INSERT INTO users SELECT \(base) + i, 'new' || i, 'west' FROM generate_series(1, 5) i")
        _ = try postgres.rows("UPDATE users SET region = 'north' WHERE id % 3 = \(round % 3)")
        _ = try postgres.rows("DELETE FROM users WHERE id % 7 = \(round % 7)")
        _ = try postgres.rows("BEGIN; UPDATE products SET price = price * 2 WHERE sku < 'p3'; DELETE FROM products WHERE sku = 'p\(round + 3)'; "
                              + "INSERT INTO products VALUES ('q\(round)', \(round)); UPDATE users SET name = name || '!' WHERE id = 2; COMMIT")
        // A key that changes: a delete and an insert.
        _ = try postgres.rows("UPDATE users SET id = \(base + 50) WHERE id = (SELECT min(id) FROM users WHERE id < \(base))")
    }

    static func postgresRows(_ postgres: PostgresServer) throws -> (users: String, regions: String, products: String) {
        func text(_ rows: [String]) -> String { rows.map { $0 + "\n" }.joined() }
        return (text(try postgres.rows("SELECT id, name, region FROM users ORDER BY id")),
                text(try postgres.rows("SELECT region, count(*) FROM users GROUP BY region ORDER BY region")),
                text(try postgres.rows("SELECT sku, price FROM products ORDER BY sku")))
    }

    /// Waits until the server's copies hold what Postgres holds now.
    static func caughtUp(_ server: ServeProcess, _ postgres: PostgresServer) async throws -> Bool {
        let expected = try postgresRows(postgres)
        return try await ServeProcess.eventually(60) {
            let users = try await server.sql("SELECT id, name, region FROM users_copy ORDER BY id")
            let regions = try await server.sql("SELECT region, n FROM region_users ORDER BY region")
            let products = try await server.sql("SELECT sku, price FROM products_copy ORDER BY sku")
            return users == expected.users && regions == expected.regions && products == expected.products
        }
    }

    /// Every message of a topic as `(key, value)`; a tombstone's value is nil.
    static func messages(_ broker: String, topic: String) throws -> [(key: String, value: String?)] {
        let output = try PostgresServer.run(KafkaServeTests.kcat!, ["-C", "-b", broker, "-t", topic, "-e", "-q", "-Z", "-f", "%k\t%s\n"])
        return output.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return (parts[0], parts.count > 1 && parts[1] != "NULL" ? parts[1] : nil)
        }
    }

    /// Each event's (key, op, transaction, commit position); a change written twice repeats one.
    static func eventIdentities(_ broker: String, topic: String) throws -> [String] {
        try messages(broker, topic: topic).compactMap { message -> String? in
            guard let value = message.value,
                let event = try JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: Any],
                let source = event["source"] as? [String: Any]
            else { return nil }
            return "\(message.key) \(event["op"] ?? "") \(source["txId"] ?? "") \(source["lsn"] ?? "")"
        }
    }

    @Test(.enabled(if: enabled, "needs Debian's postgresql and kcat packages"))
    func debeziumEventsOfSnapshotAndChangesReadBackAsThePostgresTablesAcrossARestart() async throws {
        let postgres = try await offPool { try PostgresServer(settings: ["wal_level=logical"]) }
        let broker = try await offPool { try TransactionalKafkaBroker() }
        _ = try await offPool {
            try postgres.rows("""
                CREATE TABLE users (id INT PRIMARY KEY, name TEXT, region TEXT);
                CREATE TABLE products (sku TEXT PRIMARY KEY, price BIGINT);
                CREATE TABLE audit (id INT PRIMARY KEY);
                INSERT INTO users SELECT i, 'u' || i, (ARRAY['east','south'])[1 + i % 2] FROM generate_series(1, 30) i;
                INSERT INTO products SELECT 'p' || i, 10 * i FROM generate_series(1, 8) i;
                """)
        }
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["RIVULET_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrapServers]
        do {
            let server = try await ServeProcess.start(dataDirectory: directory, environment: environment)
            defer { server.kill() }
            #expect(try await server.sql(Self.createConnector(postgres)) == "CREATE CONNECTOR\n")
            // The topics exist once the snapshot is written.
            #expect(try await ServeProcess.eventually(60) { try await server.sql("SHOW CONNECTORS").contains("shop.public.products") }, "\(server.stderr)")
            _ = try await server.sql(Self.declareReaders(broker.bootstrapServers))
            #expect(try await Self.caughtUp(server, postgres), "\(server.stderr)")
            try await offPool { try Self.change(postgres, round: 1) }
            #expect(try await Self.caughtUp(server, postgres), "\(server.stderr)")
            #expect(try await server.sql("SHOW CONNECTORS")
                == "shop_reader|SOURCE|io.debezium.connector.postgresql.PostgresConnector|RUNNING|shop.public.users, shop.public.products\n")
            let described = try await server.sql("DESCRIBE CONNECTOR shop_reader")
            #expect(described.contains("state|RUNNING\n") && described.contains("slot|shop_slot\n"), "\(described)")
            #expect(await server.stop() == 0)
        }
        // Changes while the server is down are read from the slot when it is back.
        try await offPool { try Self.change(postgres, round: 2) }
        let server = try await ServeProcess.start(dataDirectory: directory, environment: environment)
        defer { server.kill() }
        #expect(try await Self.caughtUp(server, postgres), "\(server.stderr)")
        try await offPool { try Self.change(postgres, round: 3) }
        #expect(try await Self.caughtUp(server, postgres), "\(server.stderr)")

        // The snapshot was read once (30 users), and no change was written twice.
        let identities = try await offPool { try Self.eventIdentities(broker.bootstrapServers, topic: "shop.public.users") }
        #expect(identities.filter { $0.contains(" r ") }.count == 30)
        #expect(Set(identities).count == identities.count, "\(identities)")
        // Each delete is followed by a tombstone with its key.
        let messages = try await offPool { try Self.messages(broker.bootstrapServers, topic: "shop.public.users") }
        for (index, message) in messages.enumerated() where message.value?.contains(#""op":"d""#) == true {
            #expect(index + 1 < messages.count && messages[index + 1].value == nil && messages[index + 1].key == message.key)
        }
        #expect(messages.first?.key == #"{"id":1}"#)

        // Dropped, the connector lets go of its slot.
        #expect(try await server.sql("DROP CONNECTOR shop_reader") == "DROP CONNECTOR\n")
        #expect(try await server.sql("SHOW CONNECTORS") == "")
        #expect(try await offPool { try postgres.rows("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'shop_slot'") } == ["0"])
    }

    @Test(.enabled(if: enabled, "needs Debian's postgresql and kcat packages"))
    func otherConnectorClassesAndUnknownPropertiesAreRefusedByName() async throws {
        try await ServeProcess.with { server, _ in
            let jdbc = try await server.psql(["-c", """
                CREATE SOURCE CONNECTOR jdbc_reader WITH ("connector.class" = 'io.confluent.connect.jdbc.JdbcSourceConnector',
                  "connection.url" = 'jdbc:postgresql://localhost:5432/my.db', "mode" = 'bulk', "topic.prefix" = 'jdbc-')
                """])
            #expect(jdbc.status != 0)
            #expect(jdbc.stderr.contains("connector class 'io.confluent.connect.jdbc.JdbcSourceConnector' is not supported"), "\(jdbc.stderr)")
            #expect(jdbc.stderr.contains("io.debezium.connector.postgresql.PostgresConnector"), "\(jdbc.stderr)")
            let typo = try await server.psql(["-c", """
                CREATE SOURCE CONNECTOR pg WITH ('connector.class' = 'io.debezium.connector.postgresql.PostgresConnector',
                  'database.hostname' = '127.0.0.1', 'database.user' = 'u', 'database.dbname' = 'd', 'topic.prefix' = 't',
                  'bootstrap.servers' = '127.0.0.1:1', 'table.include.lists' = 'public.users')
                """])
            #expect(typo.stderr.contains("unknown connector property 'table.include.lists'"), "\(typo.stderr)")
            #expect(try await server.sql("SHOW CONNECTORS") == "")
            let missing = try await server.psql(["-c", "DESCRIBE CONNECTOR pg"])
            #expect(missing.stderr.contains("no connector 'pg'"), "\(missing.stderr)")
        }
    }
}
