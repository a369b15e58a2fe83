import Foundation
import RivuletCore
import RivuletEngine
import TestBrokers
import Testing

/// `'format' = 'debezium-json'`: a topic of Debezium change events, produced to a real broker,
/// read as the changelog of a keyed table that a stream joins and a GROUP BY aggregates into
/// SQLite.
@Suite(.serialized) struct KafkaDebeziumTests {
    /// The `customers` table's history as Debezium's Postgres connector writes it: a snapshot
    /// (`r`), then an insert, updates, and a delete followed by its tombstone.
    static let customerEvents: [String?] = [
        #"{"before":null,"after":{"id":1,"name":"Alice","region":"north"},"source":{"version":"2.5.4.Final","connector":"postgresql","name":"shop","ts_ms":1700000000000,"snapshot":"first","db":"shop","schema":"public","table":"customers","txId":740,"lsn":24023128,"xmin":null},"op":"r","ts_ms":1700000000100,"transaction":null}"#,
        #"{"before":null,"after":{"id":2,"name":"Bob","region":"south"},"source":{"version":"2.5.4.Final","connector":"postgresql","name":"shop","ts_ms":1700000000000,"snapshot":"true","db":"shop","schema":"public","table":"customers","txId":740,"lsn":24023128,"xmin":null},"op":"r","ts_ms":1700000000101,"transaction":null}"#,
        #"{"before":null,"after":{"id":3,"name":"Carol","region":"north"},"source":{"version":"2.5.4.Final","connector":"postgresql","name":"shop","ts_ms":1700000000000,"snapshot":"last","db":"shop","schema":"public","table":"customers","txId":740,"lsn":24023128,"xmin":null},"op":"r","ts_ms":1700000000102,"transaction":null}"#,
        #"{"before":null,"after":{"id":4,"name":"Dan","region":"east"},"source":{"version":"2.5.4.Final","connector":"postgresql","name":"shop","ts_ms":1700000005000,"snapshot":"false","db":"shop","schema":"public","table":"customers","txId":741,"lsn":24023400,"xmin":null},"op":"c","ts_ms":1700000005050,"transaction":null}"#,
        #"{"before":{"id":2,"name":"Bob","region":"south"},"after":{"id":2,"name":"Bob","region":"east"},"source":{"version":"2.5.4.Final","connector":"postgresql","name":"shop","ts_ms":1700000006000,"snapshot":"false","db":"shop","schema":"public","table":"customers","txId":742,"lsn":24023600,"xmin":null},"op":"u","ts_ms":1700000006050,"transaction":null}"#,
        #"{"before":{"id":3,"name":"Carol","region":"north"},"after":null,"source":{"version":"2.5.4.Final","connector":"postgresql","name":"shop","ts_ms":1700000007000,"snapshot":"false","db":"shop","schema":"public","table":"customers","txId":743,"lsn":24023800,"xmin":null},"op":"d","ts_ms":1700000007050,"transaction":null}"#,
        nil,
        // An update without the old row (the table's replica identity is only its key): not a change this source can apply.
        #"{"before":null,"after":{"id":1,"name":"Alice","region":"west"},"op":"u","ts_ms":1700000007500}"#,
        #"{"before":{"id":1,"name":"Alice","region":"north"},"after":{"id":1,"name":"Alicia","region":"north"},"source":{"version":"2.5.4.Final","connector":"postgresql","name":"shop","ts_ms":1700000008000,"snapshot":"false","db":"shop","schema":"public","table":"customers","txId":744,"lsn":24024000,"xmin":null},"op":"u","ts_ms":1700000008050,"transaction":null}"#,
        "not an event",
    ]

    static let orders: [String] = [
        #"{"order_id":1,"customer_id":1,"amount":10}"#,
        #"{"order_id":2,"customer_id":2,"amount":20}"#,
        #"{"order_id":3,"customer_id":3,"amount":40}"#,
        #"{"order_id":4,"customer_id":4,"amount":80}"#,
        #"{"order_id":5,"customer_id":2,"amount":160}"#,
        #"{"order_id":6,"customer_id":9,"amount":320}"#,
    ]

    static func script(kafka: String, db: String, schemaIncluded: Bool = false) -> String {
        """
        CREATE TABLE customers (id INT, name VARCHAR, region VARCHAR, PRIMARY KEY (id) NOT ENFORCED) WITH (
          'connector' = 'kafka', 'topic' = 'shop.public.customers', 'properties.bootstrap.servers' = '\(kafka)',
          'format' = 'debezium-json', 'debezium-json.schema-include' = '\(schemaIncluded)',
          'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'timeout' = '10 s');
        CREATE TABLE orders (order_id BIGINT, customer_id INT, amount BIGINT) WITH (
          'connector' = 'kafka', 'topic' = 'orders', 'properties.bootstrap.servers' = '\(kafka)', 'format' = 'json',
          'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'timeout' = '10 s');
        CREATE TABLE region_sales (region VARCHAR, orders BIGINT, total BIGINT, PRIMARY KEY (region) NOT ENFORCED)
          WITH ('connector' = 'sqlite', 'path' = '\(db)', 'table' = 'region_sales');
        CREATE TABLE region_customers (region VARCHAR, customers BIGINT, PRIMARY KEY (region) NOT ENFORCED)
          WITH ('connector' = 'sqlite', 'path' = '\(db)', 'table' = 'region_customers');
        INSERT INTO region_sales SELECT c.region, COUNT(*), SUM(o.amount) FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.region;
        INSERT INTO region_customers SELECT region, COUNT(*) FROM customers GROUP BY region;
        """
    }

    /// Runs `script` on an engine over `data`; returns the engine, to read what it logged.
    static func run(_ script: String, data: String) throws -> Engine {
        let engine = Engine(configuration: EngineConfiguration(workingDirectory: data, dataDirectory: data, batchSize: 4))
        for result in try engine.execute(script: script) {
            if case .persistentQuery(let query) = result { _ = try engine.run(query) }
            if case .query(let query) = result { _ = try engine.run(query) }
        }
        return engine
    }

    static func select(_ engine: Engine, _ sql: String) throws -> [[Value]] {
        var rows: [[Value]] = []
        for result in try engine.execute(script: sql) {
            if case .query(let query) = result { rows += try engine.run(query).result?.rows ?? [] }
        }
        return rows.sorted { $0.description < $1.description }
    }

    @Test("Snapshot reads, inserts, updates and deletes feed a stream–table join and GROUP BYs; bad envelopes are logged")
    func changelogIntoJoinAndAggregates() async throws {
        try await offPool {
            let broker = try TransactionalKafkaBroker()
            try broker.createTopics(["shop.public.customers": 1, "orders": 1])
            try produce(broker.bootstrapServers, topic: "shop.public.customers", Self.customerEvents.map { (0, $0) })
            try produce(broker.bootstrapServers, topic: "orders", Self.orders.map { (0, $0) })
            let folder = NSTemporaryDirectory() + "rivulet-debezium-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let engine = try Self.run(Self.script(kafka: broker.bootstrapServers, db: folder + "/out.db"), data: folder)

            // The customers as they ended: 1 Alicia north, 2 Bob east, 4 Dan east (3 deleted).
            #expect(try Self.select(engine, "SELECT * FROM region_customers") == [[.string("east"), .int(2)], [.string("north"), .int(1)]])
            // Orders joined with the final customers; order 3's customer is deleted, order 6's never existed.
            #expect(try Self.select(engine, "SELECT * FROM region_sales") == [[.string("east"), .int(3), .int(260)], [.string("north"), .int(1), .int(10)]])
            let errors = try Self.select(engine, "SELECT source, position, reason FROM rivulet_errors")
            let advice = "the source table must log whole old rows (Postgres: ALTER TABLE ... REPLICA IDENTITY FULL)"
            // Each query that reads the topic logs its bad records.
            #expect(errors == [
                [.string("customers"), .string("shop.public.customers/0@7"), .string("'u' event without 'before'; \(advice)")],
                [.string("customers"), .string("shop.public.customers/0@7"), .string("'u' event without 'before'; \(advice)")],
                [.string("customers"), .string("shop.public.customers/0@9"), .string("invalid JSON at byte 1: expected '{', found 'n'")],
                [.string("customers"), .string("shop.public.customers/0@9"), .string("invalid JSON at byte 1: expected '{', found 'n'")],
            ])
        }
    }

    @Test("Events wrapped in schema and payload are read with 'debezium-json.schema-include'")
    func schemaIncluded() async throws {
        try await offPool {
            let broker = try TransactionalKafkaBroker()
            try broker.createTopics(["shop.public.customers": 1, "orders": 1])
            let schema = #"{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"shop.public.customers.Envelope"}"#
            try produce(broker.bootstrapServers, topic: "shop.public.customers", Self.customerEvents.map { event in
                (0, event.map { $0.hasPrefix("{") ? #"{"schema":\#(schema),"payload":\#($0)}"# : $0 })
            })
            try produce(broker.bootstrapServers, topic: "orders", Self.orders.map { (0, $0) })
            let folder = NSTemporaryDirectory() + "rivulet-debezium-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let engine = try Self.run(Self.script(kafka: broker.bootstrapServers, db: folder + "/out.db", schemaIncluded: true), data: folder)
            #expect(try Self.select(engine, "SELECT * FROM region_customers") == [[.string("east"), .int(2)], [.string("north"), .int(1)]])
            #expect(try Self.select(engine, "SELECT * FROM region_sales") == [[.string("east"), .int(3), .int(260)], [.string("north"), .int(1), .int(10)]])
        }
    }

    @Test("A debezium-json source must be a keyed table, and is not a sink")
    func declarationChecks() throws {
        let folder = NSTemporaryDirectory() + "rivulet-debezium-" + UUID().uuidString
        let engine = Engine(configuration: EngineConfiguration(workingDirectory: folder, dataDirectory: folder))
        let options = "'connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = '127.0.0.1:1', 'format' = 'debezium-json'"
        #expect(sqlError { _ = try engine.execute(script: "CREATE TABLE c (id INT, name VARCHAR) WITH (\(options));") }?.message
            == "format 'debezium-json' gives a changelog; declare 'c' as a TABLE with a PRIMARY KEY")
        _ = try engine.execute(script: "CREATE TABLE k (id INT, name VARCHAR, PRIMARY KEY (id) NOT ENFORCED) WITH (\(options));")
        #expect(sqlError { _ = try engine.execute(script: "INSERT INTO k VALUES (1, 'a');") }?.message
            == "format 'debezium-json' is read-only: 'k' cannot be written")
    }
}
