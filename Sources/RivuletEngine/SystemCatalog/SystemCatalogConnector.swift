import Foundation
public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// The system catalog: `pg_catalog`'s tables (`pg_class`, `pg_attribute`, `pg_type`, ...) and
/// `information_schema`'s views, as read-only relations built from Rivulet's catalog when a
/// query over them starts. They are queried with the engine's own planner, so any SQL it runs
/// (joins, filters, aggregates, ORDER BY) runs over them; clients find streams, tables and views
/// as relations of schema `public` (`relkind` `r` or `v`, a primary key as an index `<name>_pkey`).
public struct SystemCatalogConnector: ConnectorFactory {
    public static let name = Relation.systemCatalogConnector
    static let pgCatalogNamespace: Int64 = 11
    static let publicNamespace: Int64 = 2200
    static let informationSchemaNamespace: Int64 = 13_183
    /// The schemas' oids by name (`'public'::regnamespace`).
    public static let namespaceOIDs: [String: Int64] = [
        "pg_catalog": pgCatalogNamespace, "public": publicNamespace, "information_schema": informationSchemaNamespace,
    ]
    /// The oid of the one database and of the one role that owns everything.
    static let databaseOID: Int64 = 16_384
    static let ownerOID: Int64 = 10

    /// The catalog's own tables by name, with the oids Postgres gives them (`'pg_class'::regclass`).
    public static let systemOIDs: [String: Int64] = [
        "pg_class": 1259, "pg_type": 1247, "pg_attribute": 1249, "pg_proc": 1255, "pg_namespace": 2615,
        "pg_constraint": 2606, "pg_index": 2610, "pg_description": 2609, "pg_depend": 2608, "pg_database": 1262, "pg_attrdef": 2604,
        "pg_collation": 3456, "pg_am": 2601, "pg_inherits": 2611, "pg_tablespace": 1213, "pg_settings": 12_000,
        "pg_roles": 12_001, "pg_sequence": 2224, "pg_opclass": 2616, "pg_auth_members": 1261, "pg_policy": 3256,
        "pg_statistic_ext": 3381, "pg_publication": 6104, "pg_publication_rel": 6106, "pg_publication_namespace": 6237,
        "pg_rewrite": 2618, "pg_trigger": 2620, "pg_language": 2612, "pg_enum": 3501,
    ]

    /// The relations the catalog knows the system tables by.
    public static var relations: [Relation] {
        SystemCatalogTables.all.map { table in
            Relation(
                name: table.name, kind: .stream, schema: table.schema,
                connector: ConnectorSpec(connector: name, options: ["table": table.name]))
        }
    }

    let snapshot: CatalogSnapshot

    public init(snapshot: CatalogSnapshot) {
        self.snapshot = snapshot
    }

    public var names: [String] { [Self.name] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        if asSink { throw Self.readOnly(relation) }
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        let rows = SystemCatalogRows(snapshot.current).rows(of: relation.name)
        var batch = RowBatch(types: columns.map { relation.schema[$0].type })
        for row in rows {
            batch.appendRow(columns.map { row[relation.schema[$0].name] ?? .null })
        }
        return HeldBatchReader(batch: batch)
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        throw Self.readOnly(relation)
    }

    public var durability: ConnectorDurability { .rebuilt }

    private static func readOnly(_ relation: Relation) -> SQLError {
        SQLError(.featureNotSupported, "'\(relation.name)' is read-only: the system catalog follows CREATE and DROP")
    }

    /// The oid of a stream, table or view: derived from its name, so it is the same in every
    /// session and across restarts.
    public static func oid(ofRelationNamed name: String) -> Int64 {
        var hash: UInt32 = 2_166_136_261
        for byte in name.lowercased().utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return 16_384 + Int64(hash % 2_000_000_000)
    }

    /// `'name'::regclass`: the oid of a relation of the catalog or a system table, or nil.
    public static func regclass(_ name: String, relations: [Relation], views: [String]) -> Int64? {
        var key = name.lowercased()
        for prefix in ["pg_catalog.", "public.", "\"public\"."] where key.hasPrefix(prefix) { key.removeFirst(prefix.count) }
        key = key.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        if let oid = systemOIDs[key] { return oid }
        if relations.contains(where: { $0.name.lowercased() == key }) || views.contains(where: { $0.lowercased() == key }) {
            return oid(ofRelationNamed: key)
        }
        return nil
    }
}
