import RivuletCore
import Testing

@testable import RivuletConnectors

/// A table's snapshot and `pgoutput` messages become a changelog by primary key: updates without
/// old rows (replica identity DEFAULT) retract the row kept for the key, a key change is a
/// delete and an insert, unchanged TOAST values come from the kept row, and a transaction is
/// given out at its commit, once.
@Suite struct PostgresChangelogTests {
    let fields = [Field("id", .integer), Field("name", .varchar), Field("region", .varchar)]

    static func text(_ s: String) -> PgOutputValue { .text(Array(s.utf8)) }

    /// The Relation message Postgres sends before the table's first change: its columns in table
    /// order, with one the query does not declare.
    static let relation = PgOutputMessage.relation(PgOutputRelation(
        id: 16_385, namespace: "public", name: "customers", replicaIdentity: .default, columns: [
            .init(isKey: true, name: "id", typeID: 23, typeModifier: -1),
            .init(isKey: false, name: "created", typeID: 1114, typeModifier: -1),
            .init(isKey: false, name: "region", typeID: 25, typeModifier: -1),
            .init(isKey: false, name: "name", typeID: 25, typeModifier: -1),
        ]))

    func changelog() -> PostgresChangelog {
        PostgresChangelog(schema: "public", table: "customers", fields: fields, primaryKey: [0], position: 100)
    }

    func transaction(_ changelog: inout PostgresChangelog, end: UInt64, _ messages: [PgOutputMessage]) throws -> [String] {
        var out: [String] = []
        for message in [.begin(finalLSN: end - 8, commitTime: 0, transactionID: 1)] + messages + [.commit(commitLSN: end - 8, endLSN: end, commitTime: 0)] {
            out += try changelog.received(message).map { "\($0.kind) \($0.row)" }
        }
        return out
    }

    @Test("Snapshot rows, then inserts, updates, a key change and deletes")
    func changes() throws {
        var log = changelog()
        #expect(try log.snapshotRow([Array("1".utf8), Array("Ann".utf8), Array("north".utf8)]).row == [.int(1), .string("Ann"), .string("north")])
        #expect(try log.received(Self.relation).isEmpty)
        let t = Self.text
        #expect(try transaction(&log, end: 200, [
            .insert(relationID: 16_385, new: [t("2"), t("2024-01-01 00:00:00"), t("south"), t("Bob")]),
            .update(relationID: 16_385, old: nil, new: [t("1"), .null, t("east"), .unchangedToast]),
        ]) == ["+I [2, Bob, south]", "-U [1, Ann, north]", "+U [1, Ann, east]"])
        #expect(log.position == 200)
        #expect(try transaction(&log, end: 300, [
            .update(relationID: 16_385, old: PgOutputOldRow(isWholeRow: false, values: [t("2"), .null, .null, .null]),
                    new: [t("7"), .null, t("south"), t("Bob")]),
            .delete(relationID: 16_385, old: PgOutputOldRow(isWholeRow: false, values: [t("1"), .null, .null, .null])),
        ]) == ["-D [2, Bob, south]", "+I [7, Bob, south]", "-D [1, Ann, east]"])
        #expect(log.rows == [[.int(7)]: [.int(7), .string("Bob"), .string("south")]])
    }

    @Test("A transaction that ends at or before the position is not given out again")
    func replayedTransactionsAreDropped() throws {
        var log = changelog()
        _ = try log.received(Self.relation)
        let insert = PgOutputMessage.insert(relationID: 16_385, new: [Self.text("3"), .null, Self.text("west"), Self.text("Cy")])
        #expect(try transaction(&log, end: 100, [insert]).isEmpty)
        #expect(try transaction(&log, end: 101, [insert]) == ["+I [3, Cy, west]"])
    }

    @Test("A declared column the table no longer has is an error naming it")
    func droppedColumn() {
        var log = PostgresChangelog(schema: "public", table: "customers", fields: fields + [Field("email", .varchar)], primaryKey: [0], position: 0)
        #expect(throws: SQLError.self) { try log.received(Self.relation) }
    }
}
