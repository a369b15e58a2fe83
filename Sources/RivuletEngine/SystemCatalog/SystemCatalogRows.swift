import RivuletCore
import RivuletPlanner

/// The rows of each system catalog table, built from one catalog snapshot; columns a row does
/// not name are NULL.
struct SystemCatalogRows {
    typealias Row = [String: Value]

    let contents: CatalogSnapshot.Contents

    init(_ contents: CatalogSnapshot.Contents) {
        self.contents = contents
    }

    func rows(of table: String) -> [Row] {
        switch table {
        case "pg_namespace": return namespaces
        case "pg_class": return classes
        case "pg_attribute": return attributes
        case "pg_type": return types
        case "pg_index": return indexes
        case "pg_constraint": return constraints
        case "pg_database": return [databaseRow]
        case "pg_settings": return settings
        case "pg_proc": return procedures
        case "pg_collation":
            return [[
                "oid": .int(100), "collname": .string("default"), "collnamespace": .int(SystemCatalogConnector.pgCatalogNamespace),
                "collowner": .int(SystemCatalogConnector.ownerOID), "collprovider": .string("d"), "collencoding": .int(-1),
            ]]
        case "pg_am":
            // Every stream and table is a heap, as Postgres' default access method: clients that
            // reflect a table (SQLAlchemy) then give it no `USING` of its own. A key is kept in a
            // hash map, so its index is a hash index.
            return [
                ["oid": .int(2), "amname": .string("heap"), "amhandler": .string("heap_tableam_handler"), "amtype": .string("t")],
                ["oid": .int(403), "amname": .string("btree"), "amhandler": .string("bthandler"), "amtype": .string("i")],
                ["oid": .int(405), "amname": .string("hash"), "amhandler": .string("hashhandler"), "amtype": .string("i")],
            ]
        case "pg_language":
            // Rivulet's functions are all built in: `internal`, as Postgres' own (`prolang` 12).
            return [(12, "internal"), (13, "c"), (14, "sql")].map { oid, name in
                [
                    "oid": .int(oid), "lanname": .string(name), "lanowner": .int(SystemCatalogConnector.ownerOID),
                    "lanispl": .boolean(false), "lanpltrusted": .boolean(name == "sql"), "lanplcallfoid": .int(0),
                    "laninline": .int(0), "lanvalidator": .int(0),
                ]
            }
        case "pg_tablespace":
            return [["oid": .int(1663), "spcname": .string("pg_default"), "spcowner": .int(SystemCatalogConnector.ownerOID)]]
        case "pg_roles":
            return [[
                "oid": .int(SystemCatalogConnector.ownerOID), "rolname": .string("rivulet"), "rolsuper": .boolean(false),
                "rolinherit": .boolean(true), "rolcreaterole": .boolean(false), "rolcreatedb": .boolean(false),
                "rolcanlogin": .boolean(true), "rolreplication": .boolean(false), "rolconnlimit": .int(-1),
                "rolbypassrls": .boolean(false),
            ]]
        case "information_schema.tables": return informationSchemaTables
        case "information_schema.columns": return informationSchemaColumns
        case "information_schema.schemata": return schemata
        case "information_schema.views": return informationSchemaViews
        default: return []
        }
    }

    // MARK: Shared pieces

    private var database: String { contents.database }

    /// Streams and tables with their oids.
    private var relations: [(oid: Int64, relation: Relation)] {
        contents.relations.map { (SystemCatalogConnector.oid(ofRelationNamed: $0.name), $0) }
    }

    /// Every relation with columns, views included: oid, name, columns, key.
    private var columnOwners: [(oid: Int64, name: String, schema: Schema, key: [Int])] {
        relations.map { ($0.oid, $0.relation.name, $0.relation.schema, $0.relation.primaryKey) }
            + contents.views.map { (SystemCatalogConnector.oid(ofRelationNamed: $0.name), $0.name, $0.schema, []) }
    }

    private static let namespaceNames: [(Int64, String)] = [
        (SystemCatalogConnector.pgCatalogNamespace, "pg_catalog"), (SystemCatalogConnector.publicNamespace, "public"),
        (SystemCatalogConnector.informationSchemaNamespace, "information_schema"),
    ]

    private var namespaces: [Row] {
        Self.namespaceNames.map { oid, name in
            ["oid": .int(oid), "nspname": .string(name), "nspowner": .int(SystemCatalogConnector.ownerOID)]
        }
    }

    private func classRow(oid: Int64, name: String, kind: String, columns: Int, hasIndex: Bool) -> Row {
        [
            "oid": .int(oid), "relname": .string(name), "relnamespace": .int(SystemCatalogConnector.publicNamespace),
            "reltype": .int(0), "reloftype": .int(0), "relowner": .int(SystemCatalogConnector.ownerOID),
            "relam": .int(kind == "i" ? 405 : kind == "r" ? 2 : 0), "relfilenode": .int(oid), "reltablespace": .int(0),
            "relpages": .int(0), "reltuples": .double(-1), "relallvisible": .int(0), "reltoastrelid": .int(0),
            "relhasindex": .boolean(hasIndex), "relisshared": .boolean(false), "relpersistence": .string("p"),
            "relkind": .string(kind), "relnatts": .int(Int64(columns)), "relchecks": .int(0),
            "relhasrules": .boolean(false), "relhastriggers": .boolean(false), "relhassubclass": .boolean(false),
            "relrowsecurity": .boolean(false), "relforcerowsecurity": .boolean(false), "relispopulated": .boolean(true),
            "relreplident": .string("d"), "relispartition": .boolean(false), "relrewrite": .int(0),
        ]
    }

    private var classes: [Row] {
        var rows: [Row] = []
        for (oid, relation) in relations {
            rows.append(classRow(oid: oid, name: relation.name, kind: "r", columns: relation.schema.count,
                                 hasIndex: !relation.primaryKey.isEmpty))
            if !relation.primaryKey.isEmpty {
                let index = relation.name + "_pkey"
                rows.append(classRow(oid: SystemCatalogConnector.oid(ofRelationNamed: index), name: index, kind: "i",
                                     columns: relation.primaryKey.count, hasIndex: false))
            }
        }
        for view in contents.views {
            rows.append(classRow(oid: SystemCatalogConnector.oid(ofRelationNamed: view.name), name: view.name, kind: "v",
                                 columns: view.schema.count, hasIndex: false))
        }
        return rows
    }

    /// Each primary key's index with its columns, which `pg_attribute` lists as Postgres lists
    /// an index's (`information_schema` lists none).
    private var keyIndexes: [(oid: Int64, name: String, schema: Schema, key: [Int])] {
        relations.filter { !$0.relation.primaryKey.isEmpty }.map { _, relation in
            let name = relation.name + "_pkey"
            let schema = Schema(relation.primaryKey.map { relation.schema.fields[$0] })
            return (SystemCatalogConnector.oid(ofRelationNamed: name), name, schema, Array(schema.fields.indices))
        }
    }

    private var attributes: [Row] {
        var rows: [Row] = []
        for (oid, _, schema, key) in columnOwners + keyIndexes {
            for (index, field) in schema.fields.enumerated() {
                let type = PGTypeCatalog.oid(of: field.type)
                let length = PGTypeCatalog.entries.first { $0.oid == type }?.length ?? -1
                rows.append([
                    "attrelid": .int(oid), "attname": .string(field.name), "atttypid": .int(type),
                    "attstattarget": .int(-1), "attlen": .int(length), "attnum": .int(Int64(index + 1)),
                    "attndims": .int(0), "attcacheoff": .int(-1), "atttypmod": .int(PGTypeCatalog.typeModifier(of: field.type)),
                    "attbyval": .boolean(length > 0 && length <= 8), "attalign": .string(length == 8 ? "d" : "i"),
                    "attstorage": .string(Self.storage(oid: type, length: length)), "attcompression": .string(""),
                    "attnotnull": .boolean(!field.nullable || key.contains(index)),
                    "atthasdef": .boolean(false), "atthasmissing": .boolean(false), "attidentity": .string(""),
                    "attgenerated": .string(""), "attisdropped": .boolean(false), "attislocal": .boolean(true),
                    "attinhcount": .int(0), "attcollation": .int(field.type == .varchar ? 100 : 0),
                ])
            }
        }
        return rows
    }

    private var types: [Row] {
        PGTypeCatalog.entries.map { entry in
            [
                "oid": .int(entry.oid), "typname": .string(entry.name),
                "typnamespace": .int(SystemCatalogConnector.pgCatalogNamespace), "typowner": .int(SystemCatalogConnector.ownerOID),
                "typlen": .int(entry.length), "typbyval": .boolean(entry.length > 0 && entry.length <= 8),
                "typtype": .string("b"), "typcategory": .string(entry.category), "typispreferred": .boolean(false),
                "typisdefined": .boolean(true), "typdelim": .string(","), "typrelid": .int(0), "typelem": .int(0),
                "typarray": .int(entry.arrayOID), "typinput": .string(entry.name + "in"), "typoutput": .string(entry.name + "out"),
                "typreceive": .string(entry.name + "recv"), "typsend": .string(entry.name + "send"),
                "typalign": .string(entry.length == 8 ? "d" : "i"), "typstorage": .string(Self.storage(oid: entry.oid, length: entry.length)),
                "typnotnull": .boolean(false), "typbasetype": .int(0), "typtypmod": .int(-1), "typndims": .int(0),
                "typcollation": .int(entry.category == "S" ? 100 : 0),
            ]
        }
    }

    /// How Postgres stores a value of the type: fixed-length ones plain, `numeric` main
    /// (compressed, kept in the row), other variable-length ones extended.
    private static func storage(oid: Int64, length: Int64) -> String {
        length > 0 ? "p" : oid == 1700 ? "m" : "x"
    }

    private var indexes: [Row] {
        relations.filter { !$0.relation.primaryKey.isEmpty }.map { oid, relation in
            // int2vectors and oidvectors, as arrays: the key's column numbers, their collations
            // (the default one for text), no operator classes (Rivulet has none) and no sort options.
            let keys = relation.primaryKey.map { Value.int(Int64($0 + 1)) }
            let collations = relation.primaryKey.map { Value.int(relation.schema.fields[$0].type == .varchar ? 100 : 0) }
            return [
                "indexrelid": .int(SystemCatalogConnector.oid(ofRelationNamed: relation.name + "_pkey")), "indrelid": .int(oid),
                "indnatts": .int(Int64(relation.primaryKey.count)), "indnkeyatts": .int(Int64(relation.primaryKey.count)),
                "indisunique": .boolean(true), "indnullsnotdistinct": .boolean(false), "indisprimary": .boolean(true),
                "indisexclusion": .boolean(false), "indimmediate": .boolean(true), "indisclustered": .boolean(false),
                "indisvalid": .boolean(true), "indcheckxmin": .boolean(false), "indisready": .boolean(true),
                "indislive": .boolean(true), "indisreplident": .boolean(false), "indkey": .array(keys),
                "indoption": .array(keys.map { _ in .int(0) }), "indcollation": .array(collations),
                "indclass": .array(keys.map { _ in .int(0) }),
            ]
        }
    }

    private var constraints: [Row] {
        relations.filter { !$0.relation.primaryKey.isEmpty }.map { oid, relation in
            let index = relation.name + "_pkey"
            return [
                "oid": .int(SystemCatalogConnector.oid(ofRelationNamed: "constraint " + index)), "conname": .string(index),
                "connamespace": .int(SystemCatalogConnector.publicNamespace), "contype": .string("p"),
                "condeferrable": .boolean(false), "condeferred": .boolean(false), "convalidated": .boolean(true),
                "conrelid": .int(oid), "contypid": .int(0), "conindid": .int(SystemCatalogConnector.oid(ofRelationNamed: index)),
                "conparentid": .int(0), "confrelid": .int(0), "conislocal": .boolean(true), "coninhcount": .int(0),
                "connoinherit": .boolean(true),
                "conkey": .string("{" + relation.primaryKey.map { String($0 + 1) }.joined(separator: ",") + "}"),
            ]
        }
    }

    private var databaseRow: Row {
        [
            "oid": .int(SystemCatalogConnector.databaseOID), "datname": .string(database),
            "datdba": .int(SystemCatalogConnector.ownerOID), "encoding": .int(6), "datlocprovider": .string("c"),
            "datistemplate": .boolean(false), "datallowconn": .boolean(true), "datconnlimit": .int(-1),
            "datcollate": .string("C.UTF-8"), "datctype": .string("C.UTF-8"), "dattablespace": .int(1663),
        ]
    }

    private var settings: [Row] {
        contents.settings.map { name, value in
            [
                "name": .string(name), "setting": .string(value), "category": .string("Client Connection Defaults"),
                "context": .string("user"), "vartype": .string("string"), "source": .string("default"),
                "boot_val": .string(value), "reset_val": .string(value), "pending_restart": .boolean(false),
            ]
        }
    }

    private var procedures: [Row] {
        let scalar = contents.functions.scalar.map { ($0, "f") }
        let aggregate = contents.functions.aggregate.map { ($0, "a") }
        return (scalar + aggregate).enumerated().map { index, function in
            [
                "oid": .int(Int64(100_000 + index)), "proname": .string(function.0.lowercased()),
                "pronamespace": .int(SystemCatalogConnector.pgCatalogNamespace), "proowner": .int(SystemCatalogConnector.ownerOID),
                "prolang": .int(12), "procost": .double(1), "prorows": .double(0), "provariadic": .int(0),
                "prokind": .string(function.1), "prosecdef": .boolean(false), "proleakproof": .boolean(false),
                "proisstrict": .boolean(false), "proretset": .boolean(false), "provolatile": .string("i"),
                "pronargs": .int(0), "pronargdefaults": .int(0), "proparallel": .string("s"), "prosupport": .int(0), "prorettype": .int(25), "proargtypes": .string(""),
                "prosrc": .string(function.0.lowercased()),
            ]
        }
    }

    // MARK: information_schema

    private var informationSchemaTables: [Row] {
        let tables: [Row] = contents.relations.map { relation in
            [
                "table_catalog": .string(database), "table_schema": .string("public"), "table_name": .string(relation.name),
                "table_type": .string("BASE TABLE"), "is_insertable_into": .string("YES"), "is_typed": .string("NO"),
            ]
        }
        let views: [Row] = contents.views.map { view in
            [
                "table_catalog": .string(database), "table_schema": .string("public"), "table_name": .string(view.name),
                "table_type": .string("VIEW"), "is_insertable_into": .string("NO"), "is_typed": .string("NO"),
            ]
        }
        return tables + views
    }

    private var informationSchemaColumns: [Row] {
        var rows: [Row] = []
        for (_, name, schema, key) in columnOwners {
            for (index, field) in schema.fields.enumerated() {
                var row: Row = [
                    "table_catalog": .string(database), "table_schema": .string("public"), "table_name": .string(name),
                    "column_name": .string(field.name), "ordinal_position": .int(Int64(index + 1)),
                    "is_nullable": .string(field.nullable && !key.contains(index) ? "YES" : "NO"),
                    "data_type": .string(Self.dataType(field.type)), "udt_catalog": .string(database),
                    "udt_schema": .string("pg_catalog"),
                    "udt_name": .string(PGTypeCatalog.entries.first { $0.oid == PGTypeCatalog.oid(of: field.type) }?.name ?? "text"),
                    "is_identity": .string("NO"), "is_generated": .string("NEVER"), "is_updatable": .string("NO"),
                ]
                switch field.type {
                case .integer: row["numeric_precision"] = .int(32); row["numeric_precision_radix"] = .int(2); row["numeric_scale"] = .int(0)
                case .bigint: row["numeric_precision"] = .int(64); row["numeric_precision_radix"] = .int(2); row["numeric_scale"] = .int(0)
                case .double: row["numeric_precision"] = .int(53); row["numeric_precision_radix"] = .int(2)
                case .decimal(let precision, let scale):
                    row["numeric_precision"] = .int(Int64(precision)); row["numeric_precision_radix"] = .int(10)
                    row["numeric_scale"] = .int(Int64(scale))
                case .timestamp(let precision): row["datetime_precision"] = .int(Int64(precision))
                case .date: row["datetime_precision"] = .int(0)
                default: break
                }
                rows.append(row)
            }
        }
        return rows
    }

    private var schemata: [Row] {
        Self.namespaceNames.map { _, name in
            ["catalog_name": .string(database), "schema_name": .string(name), "schema_owner": .string("rivulet")]
        }
    }

    private var informationSchemaViews: [Row] {
        contents.views.map { view in
            [
                "table_catalog": .string(database), "table_schema": .string("public"), "table_name": .string(view.name),
                "view_definition": .string(view.sql), "check_option": .string("NONE"), "is_updatable": .string("NO"),
                "is_insertable_into": .string("NO"), "is_trigger_updatable": .string("NO"),
            ]
        }
    }

    /// `information_schema.columns.data_type`: the type's SQL name without its modifiers.
    static func dataType(_ type: SQLType) -> String {
        switch type {
        case .boolean: return "boolean"
        case .integer: return "integer"
        case .bigint: return "bigint"
        case .double: return "double precision"
        case .decimal: return "numeric"
        case .varchar, .null: return "character varying"
        case .timestamp: return "timestamp without time zone"
        case .date: return "date"
        case .intervalDayTime, .intervalYearMonth: return "interval"
        case .array: return "ARRAY"
        case .map, .row: return "json"
        }
    }
}
