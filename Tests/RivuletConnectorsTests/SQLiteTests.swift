import CSQLite
import RivuletConnectors
import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct SQLiteTests {
    let fields = [Field("id", .bigint), Field("name", .varchar), Field("total", .decimal(precision: 10, scale: 2)), Field("at", .timestamp3)]
    var types: [SQLType] { fields.map(\.type) }

    /// The table's rows as text, ordered by the first column, read with SQLite itself.
    func dump(_ path: String, _ table: String) throws -> [String] {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw SQLError(.ioError, "open") }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "SELECT * FROM \"\(table)\" ORDER BY 1", -1, &statement, nil) == SQLITE_OK else {
            throw SQLError(.ioError, String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        var rows: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            let n = sqlite3_column_count(statement)
            rows.append((0..<n).map { c in
                sqlite3_column_type(statement, c) == SQLITE_NULL ? "NULL" : String(cString: sqlite3_column_text(statement, c))
            }.joined(separator: "|"))
        }
        return rows
    }

    func upsertSink(_ dir: TempDirectory) -> Relation {
        relation("totals", fields, "sqlite", ["path": "out.db", "table": "totals"], kind: .table, primaryKey: [0])
    }

    @Test func createsTableAndAppliesUpsertsAndDeletes() throws {
        let dir = try TempDirectory()
        let writer = try sink(upsertSink(dir), context: dir.context)
        let t0 = TimeFormat.parseTimestamp("2024-01-01 12:00:00.5")!
        try writer.write(batch(types, [
            [.int(1), .string("a"), .decimal(unscaled: 100, scale: 2), .timestamp(t0)],
            [.int(2), .string("b"), .decimal(unscaled: 250, scale: 2), .null],
            [.int(3), .string("c"), .null, .null],
        ]))
        try writer.flush()
        #expect(try dump(dir.path + "/out.db", "totals") == [
            "1|a|1.00|2024-01-01 12:00:00.500", "2|b|2.50|NULL", "3|c|NULL|NULL",
        ])
        // An update pair, a delete, and a retraction whose key then disappears (no +U follows).
        try writer.write(batch(types, [
            [.int(1), .string("a"), .decimal(unscaled: 100, scale: 2), .timestamp(t0)],
            [.int(1), .string("a2"), .decimal(unscaled: 175, scale: 2), .timestamp(t0 + 1)],
            [.int(2), .string("b"), .decimal(unscaled: 250, scale: 2), .null],
            [.int(3), .string("c"), .null, .null],
        ], kinds: [.updateBefore, .updateAfter, .delete, .updateBefore]))
        // The +U for a retracted key may come in a later batch before the flush.
        try writer.write(batch(types, [[.int(4), .string("d"), .null, .null]], kinds: [.updateBefore]))
        try writer.write(batch(types, [[.int(4), .string("d2"), .null, .null]], kinds: [.updateAfter]))
        try writer.close()
        #expect(try dump(dir.path + "/out.db", "totals") == ["1|a2|1.75|2024-01-01 12:00:00.501", "4|d2|NULL|NULL"])
    }

    /// Two checkpointing sinks into one database file: rows wait in memory for their
    /// checkpoint, so neither holds SQLite's one write lock between checkpoints and locks out
    /// the other (whose writes failed with "database is locked").
    @Test func checkpointingSinksShareADatabaseFile() throws {
        let dir = try TempDirectory()
        func shared(_ table: String) throws -> any TransactionalSink {
            let writer = try sink(
                relation(table, fields, "sqlite", ["path": "shared.db", "table": table], kind: .table, primaryKey: [0]),
                context: dir.context)
            return try #require(writer as? any TransactionalSink)
        }
        let a = try shared("a")
        let b = try shared("b")
        #expect(try a.beginCheckpointing(query: "qa") == nil)
        try a.write(batch(types, [[.int(1), .string("a"), .null, .null]]))
        #expect(try b.beginCheckpointing(query: "qb") == nil)
        try b.write(batch(types, [[.int(2), .string("b"), .null, .null]]))
        try b.commit(CheckpointMark(query: "qb", instance: "i", checkpoint: 1))
        #expect(try dump(dir.path + "/shared.db", "b") == ["2|b|NULL|NULL"])
        #expect(try dump(dir.path + "/shared.db", "a") == [])
        try a.commit(CheckpointMark(query: "qa", instance: "i", checkpoint: 1))
        #expect(try dump(dir.path + "/shared.db", "a") == ["1|a|NULL|NULL"])
        // Rows no checkpoint covered are gone with the sink.
        try a.write(batch(types, [[.int(3), .string("c"), .null, .null]]))
        try a.close()
        try b.close()
        #expect(try dump(dir.path + "/shared.db", "a") == ["1|a|NULL|NULL"])
    }

    @Test func existingTableWithOtherColumnsIsAnErrorAtOpen() throws {
        let dir = try TempDirectory()
        try sink(upsertSink(dir), context: dir.context).close()
        let other = relation("totals", [Field("id", .bigint), Field("label", .varchar)], "sqlite", ["path": "out.db", "table": "totals"],
                             kind: .table, primaryKey: [0])
        let error = sqlError { _ = try sink(other, context: dir.context) }
        #expect(error?.message.contains("has columns (id, name, total, at)") == true)
        let otherKey = relation("totals", fields, "sqlite", ["path": "out.db", "table": "totals"], kind: .table, primaryKey: [1])
        #expect(sqlError { _ = try sink(otherKey, context: dir.context) }?.message.contains("primary key") == true)
        // The same declaration opens the existing table again.
        #expect(sqlError { try sink(upsertSink(dir), context: dir.context).close() } == nil)
    }

    @Test func withoutPrimaryKeyAppendsAndRefusesRetractions() throws {
        let dir = try TempDirectory()
        let log = relation("log", [Field("n", .bigint)], "sqlite", ["path": "log.db"])
        let writer = try sink(log, context: dir.context)
        try writer.write(batch([.bigint], [[.int(1)], [.int(1)]]))
        try writer.flush()
        #expect(try dump(dir.path + "/log.db", "log") == ["1", "1"])
        #expect(sqlError { try writer.write(batch([.bigint], [[.int(1)]], kinds: [.delete])) }?.message.contains("no primary key") == true)
    }

    @Test func sourceReadsTheTableBackWithDeclaredTypes() throws {
        let dir = try TempDirectory()
        let writer = try sink(upsertSink(dir), context: dir.context)
        let rows: [[Value]] = [
            [.int(1), .string("a"), .decimal(unscaled: 1234, scale: 2), .timestamp(1_704_110_400_123)],
            [.int(2), .null, .null, .null],
        ]
        try writer.write(batch(types, rows))
        try writer.close()
        let read = try readAll(try source(upsertSink(dir), context: dir.context), types: types)
        #expect(read.sorted { $0[0].description < $1[0].description } == rows)
        let projected = try readAll(try source(upsertSink(dir), columns: [3, 0], context: dir.context), types: [.timestamp3, .bigint])
        #expect(projected.count == 2)
    }
}
