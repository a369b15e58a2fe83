import RivuletCore
import RivuletPlanner
import RivuletRuntime
import RivuletSQL
import Testing

/// Which columns a regular join stores is the planner's choice (`StreamPlan.Join.storedColumns`);
/// the operator only applies it.
@Suite struct JoinStoredColumnsTests {
    struct TestCatalog: Catalog {
        var relations: [Relation]
        func relation(named name: String) -> Relation? { relations.first { $0.name.lowercased() == name.lowercased() } }
        func view(named name: String) -> Query? { nil }
        var relationNames: [String] { relations.map(\.name) }
    }

    static func plan(_ sql: String, keyedUsers: Bool = false) throws -> StreamPlan {
        let relations = [
            Relation(name: "clicks", kind: .stream, schema: Schema(RegularJoinTests.clicks),
                     connector: ConnectorSpec(connector: "memory", options: [:]), watermark: nil, primaryKey: []),
            Relation(name: "users", kind: keyedUsers ? .table : .stream, schema: Schema(RegularJoinTests.users),
                     connector: ConnectorSpec(connector: "memory", options: [:]), watermark: nil, primaryKey: keyedUsers ? [0] : []),
        ]
        guard case .query(let query) = try parseScript(sql).first?.statement else { throw SQLError.internal("not a query") }
        return try QueryBinder(catalog: TestCatalog(relations: relations)).bind(query).plan
    }

    static func join(under plan: StreamPlan) -> StreamPlan.Join? {
        guard case .project(let project) = plan, case .join(let join) = project.input else { return nil }
        return join
    }

    @Test func theBinderRecordsWhatTheProjectionKeysAndConditionRead() throws {
        let plain = try Self.plan("SELECT u.name FROM clicks c JOIN users u ON c.uid = u.uid")
        #expect(Self.join(under: plain)?.storedColumns == [0, 2, 3])
        let conditioned = try Self.plan("SELECT c.uid FROM clicks c JOIN users u ON c.uid = u.uid AND c.page <> u.name")
        #expect(Self.join(under: conditioned)?.storedColumns == [0, 1, 2, 3])
        // A keyed table read as stored keeps whole rows: a replaced row is retracted with all of them.
        let keyed = try Self.plan("SELECT c.page FROM users u JOIN clicks c ON u.uid = c.uid", keyedUsers: true)
        #expect(Self.join(under: keyed)?.strategy == .regular)
        #expect(Self.join(under: keyed)?.storedColumns == [0, 1, 2, 3])
    }

    @Test func columnsTheJoinDoesNotStoreComeOutNull() throws {
        var node = StreamPlan.Join(
            left: namedScan("clicks", RegularJoinTests.clicks, timeColumn: nil), right: namedScan("users", RegularJoinTests.users, timeColumn: nil),
            kind: .inner, strategy: .regular, leftKeys: [0], rightKeys: [0], residual: nil)
        node.storedColumns = [0, 2, 3]
        let join = try RegularJoin(node)
        var out = Collector()
        try join.process(batch([.bigint, .varchar], [[.int(1), .string("home")]]), port: 0, into: &out)
        try join.process(batch([.bigint, .varchar], [[.int(1), .string("ann")]]), port: 1, into: &out)
        #expect(out.drain().flatMap { render($0, types: [.bigint, .varchar, .bigint, .varchar]) } == ["+I 1,NULL,1,ann"])
    }
}
