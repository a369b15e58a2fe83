import RivuletCore
import RivuletPlanner
import RivuletSQL
import Testing

@Suite struct ValuesQueryTests {
    struct EmptyCatalog: Catalog {
        func relation(named name: String) -> Relation? { nil }
        func view(named name: String) -> Query? { nil }
        var relationNames: [String] { [] }
    }

    static func plan(_ sql: String) throws(SQLError) -> StreamPlan {
        guard case .query(let query) = try parseScript(sql).first?.statement else { throw SQLError.internal("not a query") }
        return try QueryBinder(catalog: EmptyCatalog()).bind(query).plan
    }

    static func error(_ sql: String) -> SQLError? {
        do {
            _ = try plan(sql)
            return nil
        } catch {
            return error
        }
    }

    @Test func isABoundedInsertOnlyInputWithoutEventTime() throws {
        let plan = try Self.plan("VALUES (1, 'a'), (2, 'b')")
        // The built-in one-row relation, which ends, once per row.
        guard case .expand(let expand) = plan, case .scan(let scan) = expand.input else {
            Issue.record("VALUES is not the one-row relation expanded: \(plan)")
            return
        }
        #expect(scan.relation.isOneRow && scan.relation.isSnapshot && scan.watermark == nil)
        #expect(expand.projections.count == 2)
        #expect(plan.appendOnly)
        #expect(plan.eventTimeColumn == nil)
        #expect(plan.schema.fields.map(\.name) == ["EXPR$0", "EXPR$1"])
    }

    @Test func columnsTakeTheCommonTypeOfTheirRows() throws {
        let plan = try Self.plan("SELECT * FROM (VALUES (1, 2.50, CAST(NULL AS INT)), (2, 10.125, 3)) AS t (a, b, c)")
        #expect(plan.schema.fields.map(\.name) == ["a", "b", "c"])
        #expect(plan.schema.types[0] == .integer)
        #expect(plan.schema.types[1].decimalScale == 3)
        #expect(plan.schema.types[2] == .integer)
    }

    @Test func rowsOfDifferentLengthsAreRefusedAtTheShortRow() {
        let error = Self.error("SELECT * FROM (VALUES (1, 2),\n  (3)) AS t (x, y)")
        #expect(error?.state == .syntaxError)
        #expect(error?.message == "each row of VALUES must have 2 values, this one has 1")
        #expect(error?.span?.start.line == 2)
        #expect(error?.span?.start.column == 4)
    }

    @Test func anAliasNamingTooFewColumnsIsRefusedAtItsNames() {
        let error = Self.error("SELECT * FROM (VALUES (1, 2)) AS t(x)")
        #expect(error?.state == .invalidColumnReference)
        #expect(error?.span?.start.line == 1)
        #expect(error?.span?.start.column == 36)
    }

    @Test func anUntypedNullIsRefusedWhereItIs() {
        let error = Self.error("VALUES (1), (NULL)")
        #expect(error?.state == .datatypeMismatch)
        #expect(error?.span?.start.column == 14)
        #expect(error?.hint == "write CAST(NULL AS <type>)")
    }
}
