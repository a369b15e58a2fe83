import RivuletCore
import RivuletPlanner
@testable import RivuletServer
import Testing

/// Catalog queries are recognized by what they read and select, not by their exact text.
struct PGCatalogQueriesTests {
    static let relations = [
        Relation(
            name: "PageViews", kind: .stream,
            schema: Schema([Field("user_id", .integer), Field("url", .varchar), Field("ts", .timestamp(precision: 3))]),
            connector: ConnectorSpec(connector: "embedded", options: [:]), watermark: WatermarkSpec(column: 2, delayMillis: 1500)),
        Relation(
            name: "users", kind: .table, schema: Schema([Field("id", .bigint), Field("score", .decimal(precision: 10, scale: 2))]),
            connector: ConnectorSpec(connector: "sqlite", options: ["path": "u.db"]), primaryKey: [0]),
    ]

    @Test func selectListsSplitAtTopLevelCommasAndKeepQuotedAliases() {
        let items = SelectListItem.items(of: """
            SELECT n.nspname as "Schema", CASE c.relkind WHEN 'r' THEN 'table' END as "Type",
              pg_catalog.format_type(a.atttypid, a.atttypmod), am.amname as "Access method", ''
            FROM pg_catalog.pg_class c
            """)
        #expect(items?.map(\.name) == ["Schema", "Type", "format_type", "Access method", "''"])
        #expect(items?.first?.column == "nspname")
        #expect(SelectListItem.items(of: "INSERT INTO t VALUES (1)") == nil)
    }

    @Test func theRelationListIsRecognizedWhateverItsLayout() throws {
        // psql 15's \dt, and the same query laid out differently with another relkind list.
        let psql15 = """
            SELECT n.nspname as "Schema",
              c.relname as "Name",
              CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' END as "Type",
              pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
            FROM pg_catalog.pg_class c
                 LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r','p','')
              AND c.relname OPERATOR(pg_catalog.~) '^(p.*)$' COLLATE pg_catalog.default
            ORDER BY 1,2;
            """
        let result = try #require(PGCatalogQueries.answer(psql15, relations: Self.relations))
        #expect(result.schema.fields.map(\.name) == ["Schema", "Name", "Type", "Owner"])
        #expect(result.rows == [[.string("public"), .string("PageViews"), .string("stream"), .string("rivulet")]])

        let other = "select  n.nspname AS \"Schema\" , c.relname AS \"Name\" from  PG_CATALOG.PG_CLASS C left join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.relkind in ('v','m') order by 1"
        let views = try #require(PGCatalogQueries.answer(other, relations: Self.relations))
        #expect(views.rows.isEmpty)
    }

    @Test func aRelationIsFoundByNameThenDescribedByOid() throws {
        let lookup = """
            SELECT c.oid,
              n.nspname,
              c.relname
            FROM pg_catalog.pg_class c
                 LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname OPERATOR(pg_catalog.~) '^(users)$' COLLATE pg_catalog.default
              AND n.nspname OPERATOR(pg_catalog.~) '^(public)$' COLLATE pg_catalog.default
            ORDER BY 2, 3;
            """
        let found = try #require(PGCatalogQueries.answer(lookup, relations: Self.relations))
        #expect(found.rows.count == 1)
        guard case .string(let oid) = found.rows.first?.first else { Issue.record("no oid"); return }
        #expect(oid == String(PGCatalogQueries.oid(of: Self.relations[1])))

        let inOtherSchema = lookup.replacingOccurrences(of: "'^(public)$'", with: "'^(private)$'")
        #expect(PGCatalogQueries.answer(inOtherSchema, relations: Self.relations)?.rows.isEmpty == true)

        let columns = """
            SELECT a.attname,
              pg_catalog.format_type(a.atttypid, a.atttypmod),
              a.attnotnull
            FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = '\(oid)' AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum;
            """
        let described = try #require(PGCatalogQueries.answer(columns, relations: Self.relations))
        #expect(described.rows == [
            [.string("id"), .string("bigint"), .string("t")],
            [.string("score"), .string("numeric(10,2)"), .string("f")],
        ])
    }

    @Test func otherCatalogQueriesHaveNoRowsAndOrdinaryStatementsAreLeftAlone() throws {
        let policies = "SELECT pol.polname, pol.polpermissive FROM pg_catalog.pg_policy pol WHERE pol.polrelid = '16385' ORDER BY 1;"
        // Left to the engine's system catalog; a query it cannot run answers no rows.
        #expect(PGCatalogQueries.answer(policies, relations: Self.relations) == nil)
        #expect(PGCatalogQueries.isUnanswerable(policies))
        #expect(PGCatalogQueries.answer("SELECT * FROM users", relations: Self.relations) == nil)
    }
}
