import RivuletCore
import RivuletPlanner
import RivuletSQL
import Testing

/// A client's `$n` parameters take their types from where they stand, as Postgres types them at
/// Parse; session functions answer from the session; result columns get Postgres' names.
@Suite struct ParameterTypeTests {
    static let catalog = JoinStoredColumnsTests.TestCatalog(relations: [
        Relation(
            name: "orders", kind: .stream,
            schema: Schema([
                Field("id", .bigint), Field("customer", .varchar), Field("amount", .decimal(precision: 10, scale: 2)),
                Field("ts", .timestamp3), Field("quantity", .integer),
            ]),
            connector: ConnectorSpec(connector: "memory", options: [:]), watermark: nil, primaryKey: [])
    ])

    static func bind(_ sql: String, _ context: BindingContext) throws -> BoundQuery {
        guard case .query(let query) = try parseScript(sql).first?.statement else { throw SQLError.internal("not a query") }
        var binder = QueryBinder(catalog: catalog)
        binder.context = context
        return try binder.bind(query)
    }

    static func types(_ sql: String, declared: [Int: SQLType] = [:]) throws -> [Int: SQLType] {
        let context = BindingContext(parameterTypes: declared)
        _ = try bind(sql, context)
        return context.parameterTypes
    }

    @Test func parametersTakeTheTypeOfWhatTheyAreComparedWith() throws {
        #expect(try Self.types("SELECT * FROM orders WHERE id = $1 AND $2 < amount") == [1: .bigint, 2: .decimal(precision: 10, scale: 2)])
        #expect(try Self.types("SELECT * FROM orders WHERE customer LIKE $1 OR ts BETWEEN $2 AND $3")
            == [1: .varchar, 2: .timestamp3, 3: .timestamp3])
        #expect(try Self.types("SELECT * FROM orders WHERE quantity IN ($1, $2) AND NOT $3") == [1: .integer, 2: .integer, 3: .boolean])
        #expect(try Self.types("SELECT quantity * $1 + $2::bigint, SUBSTRING(customer, $3) FROM orders LIMIT $4")
            == [1: .integer, 2: .bigint, 3: .bigint, 4: .bigint])
    }

    @Test func declaredTypesAreKeptAndNothingTypesAnUnplacedParameter() throws {
        #expect(try Self.types("SELECT * FROM orders WHERE id = $1", declared: [1: .integer]) == [1: .integer])
        #expect(try Self.types("SELECT $1 FROM orders") == [:])
    }

    @Test func sessionFunctionsAnswerFromTheSession() throws {
        let context = BindingContext(columnNaming: .postgres) { name, arguments throws(SQLError) in
            switch name {
            case "CURRENT_DATABASE": return .string("rivulet")
            case "CURRENT_SETTING": return arguments == [.string("TimeZone")] ? .string("UTC") : nil
            case "CURRENT_USER": return .string("me")
            default: return nil
            }
        }
        let bound = try Self.bind("SELECT current_database(), current_setting('TimeZone'), current_user, id FROM orders", context)
        guard case .project(let project) = bound.plan else { Issue.record("not a projection: \(bound.plan)"); return }
        #expect(Array(project.expressions.prefix(3)) == [
            .literal(.string("rivulet"), .varchar), .literal(.string("UTC"), .varchar), .literal(.string("me"), .varchar),
        ])
        #expect(bound.schema.fields.map(\.name) == ["current_database", "current_setting", "current_user", "id"])
    }

    @Test func postgresNamesResultColumnsLikePostgres() throws {
        let bound = try Self.bind(
            "SELECT 1, id + 1, id::text, 2::int8, UPPER(customer), CASE WHEN id > 0 THEN 1 END, id AS k FROM orders",
            BindingContext(columnNaming: .postgres))
        #expect(bound.schema.fields.map(\.name) == ["?column?", "?column?", "id", "int8", "upper", "case", "k"])
        let flink = try Self.bind("SELECT 1, UPPER(customer) FROM orders", BindingContext())
        #expect(flink.schema.fields.map(\.name) == ["EXPR$0", "EXPR$1"])
    }
}
