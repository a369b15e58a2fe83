import Foundation
import TestBrokers
import Testing

/// `'connector' = 'postgres-cdc'` against a real Postgres with `wal_level = logical`: two tables'
/// snapshot and then their inserts, updates (one changing a key) and deletes, joined with a
/// stream of orders and aggregated into SQLite by `rivulet run`, give the rows the same SQL
/// gives over the final tables in Postgres — also when runs are killed inside checkpoints and
/// at an arbitrary moment, in the snapshot and in the stream, and restarted.
@Suite(.serialized) struct PostgresCDCTests {
    static let enabled = PostgresServer.isAvailable

    static func script(port: Int, orders: String, db: String) -> String {
        func cdc(_ table: String) -> String {
            """
            'connector' = 'postgres-cdc', 'hostname' = '127.0.0.1', 'port' = '\(port)', 'username' = 'rivulet',
              'database-name' = 'postgres', 'schema-name' = 'public', 'table-name' = '\(table)', 'slot.name' = 'rivulet_\(table)',
              'decoding.plugin.name' = 'pgoutput'
            """
        }
        return """
            CREATE TABLE customers (id INT, name VARCHAR, region VARCHAR, PRIMARY KEY (id) NOT ENFORCED) WITH (\(cdc("customers")));
            CREATE TABLE products (id INT, category VARCHAR, price BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (\(cdc("products")));
            CREATE TABLE orders (id BIGINT, customer_id INT, product_id INT, qty BIGINT)
              WITH ('connector' = 'filesystem', 'path' = '\(orders)', 'format' = 'csv');
            CREATE TABLE sales (region VARCHAR, category VARCHAR, orders BIGINT, revenue BIGINT, PRIMARY KEY (region, category) NOT ENFORCED)
              WITH ('connector' = 'sqlite', 'path' = '\(db)', 'table' = 'sales');
            \(query("INSERT INTO sales SELECT"));
            """
    }

    /// The query, in both engines' SQL.
    static func query(_ select: String) -> String {
        """
        \(select) c.region, p.category, COUNT(*), SUM(o.qty * p.price)
        FROM customers c JOIN orders o ON o.customer_id = c.id JOIN products p ON o.product_id = p.id
        GROUP BY c.region, p.category
        """
    }

    static let regions = ["east", "north", "south", "west"]
    static let categories = ["books", "games", "tools"]

    /// The tables, their first rows, and the orders (in Postgres for the expected result, and as
    /// the stream's CSV file).
    static func setUp(_ server: PostgresServer, orders: URL) throws {
        var sql = """
            CREATE TABLE customers (id INT PRIMARY KEY, name TEXT, region TEXT);
            CREATE TABLE products (id INT PRIMARY KEY, category TEXT, price BIGINT);
            CREATE TABLE orders (id BIGINT, customer_id INT, product_id INT, qty BIGINT);
            """
        sql += "INSERT INTO customers SELECT i, 'c' || i, (ARRAY['east','north','south','west'])[1 + i % 4] FROM generate_series(1, 40) i;"
        sql += "INSERT INTO products SELECT i, (ARRAY['books','games','tools'])[1 + i % 3], 10 * i FROM generate_series(1, 20) i;"
        var csv = ""
        var values: [String] = []
        for id in 1...300 {
            // Some customers (41-45) and products (21-22) come later; 46-48 never do.
            let customer = 1 + (id * 7) % 48
            let product = 1 + (id * 5) % 22
            let qty = 1 + id % 4
            csv += "\(id),\(customer),\(product),\(qty)\n"
            values.append("(\(id), \(customer), \(product), \(qty))")
        }
        sql += "INSERT INTO orders VALUES \(values.joined(separator: ", "));"
        _ = try server.rows(sql)
        try csv.write(to: orders, atomically: true, encoding: .utf8)
    }

    /// Changes in separate transactions: region moves, price changes, deletes, new rows, and a
    /// customer whose key changes. `round` makes each batch different.
    static func change(_ server: PostgresServer, round: Int) throws {
        for step in 0..<12 {
            let k = round * 12 + step
            let id = 1 + (k * 11) % 40
            _ = try server.rows("UPDATE customers SET region = '\(regions[(k + round) % 4])' WHERE id = \(id)")
            _ = try server.rows("UPDATE products SET price = price + \(k) WHERE id = \(1 + k % 20)")
            if step % 4 == 0 {
                _ = try server.rows("""
                    BEGIN; DELETE FROM customers WHERE id = \(1 + (k * 13) % 40);
                    INSERT INTO customers VALUES (\(41 + k % 5), 'n\(k)', '\(regions[k % 4])') ON CONFLICT (id) DO UPDATE SET region = EXCLUDED.region; COMMIT
                    """)
            }
        }
        _ = try server.rows("INSERT INTO products VALUES (\(20 + round), 'games', 5) ON CONFLICT (id) DO UPDATE SET price = products.price + 1")
        _ = try server.rows("UPDATE customers SET id = \(100 + round) WHERE id = (SELECT min(id) FROM customers WHERE id > \(round * 3) AND id < 100)")
    }

    static func expected(_ server: PostgresServer) throws -> [[String]] {
        try server.rows(query("SELECT") + " ORDER BY 1, 2").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    static func sink(_ db: URL) throws -> [[String]] {
        try DurabilityTests.sqliteRows(db.path, table: "sales", order: "region, category")
    }

    static func confirmedLSN(_ server: PostgresServer) throws -> String {
        try server.rows("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'rivulet_customers'").first ?? ""
    }

    static let runOptions = ["--batch-size", "8", "--checkpoint-interval", "1 ms"]

    /// Waits (up to a minute, while `run` runs) until the sink holds what the query gives over
    /// the tables as they are now; returns whether it did.
    static func caughtUp(_ run: DurabilityTests.Run, _ server: PostgresServer, _ db: URL) -> Bool {
        var equal = false
        DurabilityTests.waitUntil(while: run) {
            equal = ((try? sink(db)) ?? []) == ((try? expected(server)) ?? [["none"]])
            return equal
        }
        return equal
    }

    struct Setup {
        let folder: URL
        let server: PostgresServer
        let script: URL
        let db: URL
        let data: URL

        init() throws {
            folder = try RivuletProcess.temporaryDirectory()
            server = try PostgresServer(settings: ["wal_level=logical"])
            let orders = folder.appendingPathComponent("orders.csv")
            try PostgresCDCTests.setUp(server, orders: orders)
            script = folder.appendingPathComponent("sales.sql")
            db = folder.appendingPathComponent("sales.db")
            data = folder.appendingPathComponent("data")
            try PostgresCDCTests.script(port: server.port, orders: orders.path, db: db.path).write(to: script, atomically: true, encoding: .utf8)
        }

        func start(environment: [String: String] = [:]) throws -> DurabilityTests.Run {
            try DurabilityTests.start(script, data: data, options: PostgresCDCTests.runOptions, environment: environment)
        }
    }

    @Test(.enabled(if: enabled, "needs the Debian postgresql package"))
    func snapshotThenChangesEqualTheQueryOverTheFinalTables() async throws {
        try await offPool {
            let setup = try Setup()
            defer { try? FileManager.default.removeItem(at: setup.folder) }
            let run = try setup.start()
            defer { run.kill() }
            #expect(Self.caughtUp(run, setup.server, setup.db), "\(run.stderr)")
            let afterSnapshot = try Self.confirmedLSN(setup.server)
            for round in 1...2 {
                try Self.change(setup.server, round: round)
                #expect(Self.caughtUp(run, setup.server, setup.db), "round \(round): \(run.stderr)")
            }
            #expect(try Self.sink(setup.db) == Self.expected(setup.server))
            // The slot hears of positions once checkpoints holding them commit.
            var advanced = false
            DurabilityTests.waitUntil(while: run) {
                advanced = (try? setup.server.rows(
                    "SELECT confirmed_flush_lsn > '\(afterSnapshot)'::pg_lsn FROM pg_replication_slots WHERE slot_name = 'rivulet_customers'")) == ["t"]
                return advanced
            }
            #expect(advanced)
        }
    }

    @Test(.enabled(if: enabled, "needs the Debian postgresql package"))
    func killedInTheSnapshotAndInTheStreamThenRestartedGivesTheSameRows() async throws {
        try await offPool {
            let setup = try Setup()
            defer { try? FileManager.default.removeItem(at: setup.folder) }
            func crash(at moment: String, after checkpoints: Int) throws {
                let target = DurabilityTests.latestCheckpoint(in: setup.data) + checkpoints
                let run = try setup.start(environment: ["RIVULET_CRASH_AT": "\(moment):\(target)"])
                run.process.waitUntilExit()
                #expect(run.process.terminationReason == .uncaughtSignal, "\(moment):\(target) was never reached: \(run.stderr)")
            }

            // In the snapshot: its rows come first, before the orders.
            try crash(at: "after-checkpoint-write", after: 2)
            try crash(at: "after-sink-commit", after: 1)
            let first = try setup.start()
            #expect(Self.caughtUp(first, setup.server, setup.db), "\(first.stderr)")

            // In the stream: killed once a checkpoint is taken while it applies round 1.
            let before = DurabilityTests.latestCheckpoint(in: setup.data)
            try Self.change(setup.server, round: 1)
            try DurabilityTests.waitForCheckpoint(above: before, in: setup.data, while: first)
            first.kill()
            try Self.change(setup.server, round: 2)
            try crash(at: "before-checkpoint-write", after: 1)
            try crash(at: "after-checkpoint-write", after: 1)
            let last = try setup.start()
            defer { last.kill() }
            #expect(Self.caughtUp(last, setup.server, setup.db), "\(last.stderr)")
            try Self.change(setup.server, round: 3)
            #expect(Self.caughtUp(last, setup.server, setup.db), "\(last.stderr)")
            #expect(try Self.sink(setup.db) == Self.expected(setup.server))
        }
    }

    /// pgoutput describes a table again (a Relation message) before its first change after an
    /// ALTER TABLE; the source maps the declared columns by name each time.
    @Test(.enabled(if: enabled, "needs the Debian postgresql package"))
    func aColumnAddedWhileStreamingIsIgnoredAndADroppedDeclaredColumnStopsTheQueryNamingIt() async throws {
        try await offPool {
            let setup = try Setup()
            defer { try? FileManager.default.removeItem(at: setup.folder) }
            let run = try setup.start()
            defer { run.kill() }
            #expect(Self.caughtUp(run, setup.server, setup.db), "\(run.stderr)")
            // A column the query does not declare is skipped by name; the rows stay right.
            _ = try setup.server.rows("""
                ALTER TABLE customers ADD COLUMN email TEXT DEFAULT 'none';
                UPDATE customers SET email = 'e' || id, region = 'west' WHERE id < 12;
                INSERT INTO customers VALUES (41, 'late', 'north', 'l@x');
                UPDATE products SET price = price + 1000 WHERE id < 5;
                """)
            #expect(Self.caughtUp(run, setup.server, setup.db), "\(run.stderr)")
            #expect(try Self.sink(setup.db) == Self.expected(setup.server))
            // A declared column that is dropped cannot be read any more: the query stops and says which.
            _ = try setup.server.rows("ALTER TABLE customers DROP COLUMN region; UPDATE customers SET name = 'z' WHERE id = 2")
            run.process.waitUntilExit()
            #expect(run.process.terminationStatus != 0)
            #expect(run.stderr.contains("column 'region' is no longer in Postgres table public.customers"), "\(run.stderr)")
        }
    }

    /// Flink CDC's metadata columns: `op_ts` is the commit time of a change's transaction (0 for
    /// a snapshot row), and the table, schema and database names.
    @Test(.enabled(if: enabled, "needs the Debian postgresql package"))
    func metadataColumnsCarryTheCommitTimeAndWhereTheRowCameFrom() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let server = try PostgresServer(settings: ["wal_level=logical"])
            _ = try server.rows("CREATE TABLE events (id INT PRIMARY KEY, note TEXT); INSERT INTO events VALUES (1, 'snapshot')")
            let script = folder.appendingPathComponent("events.sql")
            let db = folder.appendingPathComponent("out.db")
            try """
                CREATE TABLE events (
                  id INT, note VARCHAR,
                  op_ts TIMESTAMP_LTZ(3) METADATA FROM 'op_ts' VIRTUAL,
                  source_table STRING METADATA FROM 'table_name' VIRTUAL,
                  schema_name STRING METADATA VIRTUAL,
                  database_name STRING METADATA FROM 'database_name' VIRTUAL,
                  PRIMARY KEY (id) NOT ENFORCED
                ) WITH ('connector' = 'postgres-cdc', 'hostname' = '127.0.0.1', 'port' = '\(server.port)', 'username' = 'rivulet',
                  'database-name' = 'postgres', 'table-name' = 'events', 'slot.name' = 'rivulet_events');
                CREATE TABLE seen (id INT, note VARCHAR, op_ts TIMESTAMP(3), origin VARCHAR, PRIMARY KEY (id) NOT ENFORCED)
                  WITH ('connector' = 'sqlite', 'path' = '\(db.path)', 'table' = 'seen');
                INSERT INTO seen SELECT id, note, op_ts, database_name || '.' || schema_name || '.' || source_table FROM events;
                """.write(to: script, atomically: true, encoding: .utf8)
            let run = try DurabilityTests.start(script, data: folder.appendingPathComponent("data"), options: Self.runOptions)
            defer { run.kill() }
            func rows() -> [[String]] { (try? DurabilityTests.sqliteRows(db.path, table: "seen", order: "id")) ?? [] }
            DurabilityTests.waitUntil(while: run) { rows().count == 1 }
            #expect(rows() == [["1", "snapshot", "1970-01-01 00:00:00.000", "postgres.public.events"]], "\(run.stderr)")

            let clock = "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')"
            let before = try server.rows(clock)[0]
            _ = try server.rows("BEGIN; INSERT INTO events VALUES (2, 'inserted'); UPDATE events SET note = 'updated' WHERE id = 1; COMMIT")
            let after = try server.rows(clock)[0]
            DurabilityTests.waitUntil(while: run) { rows().count == 2 && rows()[0][1] == "updated" }
            let seen = rows()
            #expect(seen.map { [$0[0], $0[1], $0[3]] } == [["1", "updated", "postgres.public.events"], ["2", "inserted", "postgres.public.events"]],
                    "\(seen) \(run.stderr)")
            // Both changes carry their transaction's commit time, between the clock read before and after it.
            #expect(seen.count == 2 && seen[0][2] == seen[1][2], "\(seen)")
            #expect(seen.allSatisfy { before <= $0[2] && $0[2] <= after }, "\(before) ≤ \(seen.map { $0[2] }) ≤ \(after)")
        }
    }

    @Test(.enabled(if: enabled, "needs the Debian postgresql package"))
    func aTableWithoutAKeyIsRefusedWithAdvice() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let server = try PostgresServer(settings: ["wal_level=logical"])
            _ = try server.rows("CREATE TABLE events (id INT, note TEXT)")
            let script = folder.appendingPathComponent("events.sql")
            try """
                CREATE TABLE events (id INT, note VARCHAR, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'postgres-cdc',
                  'hostname' = '127.0.0.1', 'port' = '\(server.port)', 'username' = 'rivulet', 'database-name' = 'postgres',
                  'table-name' = 'events', 'slot.name' = 'rivulet_events', 'scan.bounded.mode' = 'latest-offset');
                CREATE TABLE notes (id INT, note VARCHAR, PRIMARY KEY (id) NOT ENFORCED)
                  WITH ('connector' = 'sqlite', 'path' = '\(folder.appendingPathComponent("out.db").path)', 'table' = 'notes');
                INSERT INTO notes SELECT * FROM events;
                """.write(to: script, atomically: true, encoding: .utf8)
            let run = try RivuletProcess.run(["run", script.path, "--data-dir", folder.appendingPathComponent("data").path])
            #expect(run.status != 0)
            #expect(run.stderr.contains("Postgres table public.events has no primary key, so its updates and deletes do not say which row they change"), "\(run.stderr)")
            #expect(run.stderr.contains("ALTER TABLE public.events REPLICA IDENTITY FULL"), "\(run.stderr)")
        }
    }
}
