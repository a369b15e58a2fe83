import Foundation
import RivuletCore
import RivuletEngine
import RivuletPGWire
import RivuletPlanner

/// The `pg_catalog` queries of psql's `\d` family that the planner cannot run itself (`\d+
/// NAME`'s relation query reads `ARRAY(SELECT ...)`; the queries `\d NAME` sends for policies,
/// statistics and publications read `ARRAY(SELECT ...)`, `= ANY (column)` and
/// `generate_series` in FROM), answered from Rivulet's catalog. `EngineSession` asks here only
/// after the planner failed on a statement; every other catalog query, those behind psql's
/// `\d`, `\dt`, `\dv` and `\d NAME`'s relation, columns, indexes and inheritance among them,
/// runs in the planner.
///
/// Queries are recognized by shape — which catalog tables they read and which columns they
/// select — never by their exact text, and each answer has exactly the columns the query's
/// select list names, in order, so a client that reads columns by position finds them. Streams
/// and tables are relations of kind `r` in schema `public`; their oids are derived from their
/// names. Any other query over `pg_catalog` tables asks for something Rivulet has none of
/// (policies, triggers, inheritance, publications ...) and gets no rows. `\l` lists one database
/// and `\dn` one schema, `public`. Every other query runs in the engine, over the system catalog
/// (`SystemCatalogConnector`); one of these that the engine cannot run answers no rows.
enum PGCatalogQueries {
    /// What a recognized query asks for.
    enum Request: Equatable {
        /// The relation list (`\d`, `\dt`): relations of these `relkind`s whose name matches.
        case relations(kinds: Set<String>, name: String?, schema: String?)
        /// `\d NAME`'s first step: oid, schema and name of the matching relations.
        case lookup(name: String?, schema: String?)
        /// The `pg_class` row of one relation.
        case relation(oid: Int64)
        /// The `pg_attribute` rows of one relation.
        case columns(oid: Int64)
        /// The indexes of one relation: its primary key.
        case keys(oid: Int64)
        /// The database list (`\l`): the one the server serves.
        case databases
        /// The schema list (`\dn`): `public`.
        case schemas(name: String?)
        /// A catalog query for things Rivulet does not have.
        case nothing
    }

    /// Cheap test run on every statement before `request(for:)`.
    static func mayBeCatalogQuery(_ sql: String) -> Bool {
        sql.range(of: "pg_catalog.pg_", options: .caseInsensitive) != nil
    }

    /// What `sql` asks for with its select list; nil when it is not a catalog query.
    static func request(for sql: String) -> (Request, [SelectListItem])? {
        guard mayBeCatalogQuery(sql), let items = SelectListItem.items(of: sql) else { return nil }
        let text = sql.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let names = Set(items.map { $0.name.lowercased() })
        let fromClass = text.contains("from pg_catalog.pg_class c ")
        let relationName = patternLiteral(after: "c.relname operator(pg_catalog.~) ", in: text)
        let schemaName = patternLiteral(after: "n.nspname operator(pg_catalog.~) ", in: text)
        if fromClass, names.contains("name"), let kinds = relkinds(in: text) {
            return (.relations(kinds: kinds, name: relationName, schema: schemaName), items)
        }
        if fromClass, items.map(\.column) == ["oid", "nspname", "relname"] {
            return (.lookup(name: relationName, schema: schemaName), items)
        }
        if text.contains("from pg_catalog.pg_database d"), names.contains("name") {
            return (.databases, items)
        }
        if text.contains("from pg_catalog.pg_namespace n"), !text.contains("pg_catalog.pg_class"), names.contains("name") {
            return (.schemas(name: schemaName), items)
        }
        if names.contains("relchecks"), let oid = oid(after: "c.oid = ", in: text) {
            return (.relation(oid: oid), items)
        }
        if text.contains("from pg_catalog.pg_attribute a"), names.contains("attname"), let oid = oid(after: "a.attrelid = ", in: text) {
            return (.columns(oid: oid), items)
        }
        if text.contains("pg_catalog.pg_index i"), names.contains("indisprimary"), let oid = oid(after: "c.oid = ", in: text) {
            return (.keys(oid: oid), items)
        }
        return (.nothing, items)
    }

    /// Whether `sql` is a catalog query of a shape psql sends that the system catalog cannot run
    /// itself, but one Rivulet has no rows for (policies, triggers, publications, ...).
    static func isUnanswerable(_ sql: String) -> Bool {
        request(for: sql)?.0 == .nothing
    }

    /// The answer to `sql` when it is one of psql's catalog queries answered here; nil otherwise
    /// (the engine runs it over the system catalog).
    static func answer(_ sql: String, relations: [Relation]) -> ResultSet? {
        guard let (request, items) = request(for: sql), request != .nothing else { return nil }
        let schema = Schema(items.map { Field($0.name, .varchar) })
        let rows: [[Value]]
        switch request {
        case .relations(let kinds, let name, let schemaPattern):
            // Every stream and table is an ordinary relation ('r').
            guard kinds.contains("r") else { return ResultSet(schema: schema, rows: []) }
            rows = matching(relations, name: name, schema: schemaPattern).map { relation in
                items.map { listValue($0, of: relation) }
            }
        case .lookup(let name, let schemaPattern):
            rows = matching(relations, name: name, schema: schemaPattern).map { relation in
                [.string(String(oid(of: relation))), .string("public"), .string(relation.name)]
            }
        case .relation(let oid):
            rows = relations.filter { Self.oid(of: $0) == oid }.map { relation in
                items.map { classValue($0, of: relation) }
            }
        case .columns(let oid):
            let relation = relations.first { Self.oid(of: $0) == oid }
            rows = relation.map { relation in
                relation.schema.fields.enumerated().map { index, field in
                    items.map { attributeValue($0, field: field, at: index, of: relation) }
                }
            } ?? []
        case .keys(let oid):
            rows = relations.filter { Self.oid(of: $0) == oid && !$0.primaryKey.isEmpty }.map { relation in
                items.map { keyValue($0, of: relation) }
            }
        case .databases:
            rows = [items.map { databaseValue($0) }]
        case .schemas(let name):
            rows = name.map { matches($0, "public") } == false ? [] : [items.map { schemaValue($0) }]
        case .nothing:
            rows = []
        }
        return ResultSet(schema: schema, rows: rows)
    }

    // MARK: - Rows

    private static func listValue(_ item: SelectListItem, of relation: Relation) -> Value {
        switch item.name.lowercased() {
        case "schema": return .string("public")
        case "name": return .string(relation.name)
        case "type": return .string(relation.kind == .stream ? "stream" : "table")
        case "owner": return .string(owner)
        case "persistence": return .string("permanent")
        case "access method": return .string(relation.connector.connector)
        case "description": return .string(relation.connector.description)
        default: return .null
        }
    }

    private static func databaseValue(_ item: SelectListItem) -> Value {
        switch item.name.lowercased() {
        case "name": return .string(database)
        case "owner": return .string(owner)
        case "encoding": return .string("UTF8")
        case "collate", "ctype": return .string("C.UTF-8")
        case "locale provider": return .string("libc")
        default: return .null
        }
    }

    private static func schemaValue(_ item: SelectListItem) -> Value {
        switch item.name.lowercased() {
        case "name": return .string("public")
        case "owner": return .string(owner)
        default: return .null
        }
    }

    private static func classValue(_ item: SelectListItem, of relation: Relation) -> Value {
        let expression = item.expression
        switch item.name.lowercased() {
        case "relchecks": return .string("0")
        case "relkind": return .string("r")
        case "relhasindex": return flag(!relation.primaryKey.isEmpty)
        case "relhasrules", "relhastriggers", "relrowsecurity", "relforcerowsecurity", "relhasoids", "relispartition":
            return flag(false)
        case "reltablespace": return .string("0")
        case "relpersistence": return .string("p")
        case "relreplident": return .string("d")
        // Shown by `\d+` as "Access method": where the rows come from.
        case "amname": return .string(relation.connector.connector)
        default:
            if expression == "''" || expression.contains("reloptions") || expression.contains("reloftype") { return .string("") }
            return .null
        }
    }

    private static func attributeValue(_ item: SelectListItem, field: Field, at index: Int, of relation: Relation) -> Value {
        switch item.name.lowercased() {
        case "attname": return .string(field.name)
        case "format_type": return .string(typeName(field.type))
        case "attnotnull": return flag(!field.nullable || relation.primaryKey.contains(index))
        case "attidentity", "attgenerated", "attcompression": return .string("")
        case "attstorage": return .string(field.type.physical == .bytes ? "x" : "p")
        case "col_description":
            // `\d+` shows it as the column's description: the event-time column says so.
            guard let watermark = relation.watermark, watermark.column == index else { return .null }
            let delay = watermark.delayMillis % 1000 == 0 ? "\(watermark.delayMillis / 1000) s" : "\(watermark.delayMillis) ms"
            return .string("event time; watermark \(field.name) - \(delay)")
        default: return .null
        }
    }

    private static func keyValue(_ item: SelectListItem, of relation: Relation) -> Value {
        let columns = relation.primaryKey.map { relation.schema.fields[$0].name }.joined(separator: ", ")
        let index = "\(relation.name)_pkey"
        switch item.name.lowercased() {
        case "relname": return .string(index)
        case "indisprimary", "indisunique", "indisvalid": return flag(true)
        case "indisclustered", "condeferrable", "condeferred", "indisreplident": return flag(false)
        // psql prints what follows " USING ": the key is kept in a hash map.
        case "pg_get_indexdef": return .string("CREATE UNIQUE INDEX \(index) ON public.\(relation.name) USING hash (\(columns))")
        case "pg_get_constraintdef": return .string("PRIMARY KEY (\(columns))")
        case "contype": return .string("p")
        case "reltablespace": return .string("0")
        default: return .null
        }
    }

    // MARK: - Names, types and oids

    private static let owner = "rivulet"
    /// Clients may name any database; this is the one the server lists.
    private static let database = "rivulet"

    private static func flag(_ value: Bool) -> Value { .string(value ? "t" : "f") }

    /// `pg_catalog.format_type` of the Postgres type a column is presented as.
    static func typeName(_ type: SQLType) -> String {
        switch type {
        case .boolean: return "boolean"
        case .integer: return "integer"
        case .bigint: return "bigint"
        case .double: return "double precision"
        case .decimal(let precision, let scale): return "numeric(\(precision),\(scale))"
        case .varchar, .null: return "character varying"
        case .timestamp(let precision): return "timestamp(\(precision)) without time zone"
        case .date: return "date"
        case .intervalDayTime, .intervalYearMonth: return "interval"
        case .array(let element): return typeName(element) + "[]"
        case .map, .row: return "json"
        }
    }

    /// A stable oid per relation name (FNV-1a), above Postgres's range of built-in oids.
    static func oid(of relation: Relation) -> Int64 {
        SystemCatalogConnector.oid(ofRelationNamed: relation.name)
    }

    private static func matching(_ relations: [Relation], name: String?, schema: String?) -> [Relation] {
        if let schema, !matches(schema, "public") { return [] }
        return relations.filter { relation in name.map { matches($0, relation.name) } ?? true }
            .sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    /// psql turns `\d page*` into the regular expression `^(page.*)$`; it lower-cases unquoted
    /// names, and Rivulet's names are case-insensitive.
    private static func matches(_ pattern: String, _ name: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return false }
        return regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }

    /// The `relkind IN ('r','p','')` list.
    private static func relkinds(in text: String) -> Set<String>? {
        guard let start = text.range(of: "c.relkind in (") else { return nil }
        guard let end = text[start.upperBound...].firstIndex(of: ")") else { return nil }
        return Set(text[start.upperBound..<end].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        })
    }

    /// The string literal after `marker` (`''` inside it stands for one quote).
    private static func patternLiteral(after marker: String, in text: String) -> String? {
        guard let start = text.range(of: marker), text[start.upperBound...].first == "'" else { return nil }
        var value = ""
        var index = text.index(after: start.upperBound)
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if character == "'" {
                guard index < text.endIndex, text[index] == "'" else { return value }
                index = text.index(after: index)
            }
            value.append(character)
        }
        return nil
    }

    private static func oid(after marker: String, in text: String) -> Int64? {
        patternLiteral(after: marker, in: text).flatMap { Int64($0) }
    }
}
