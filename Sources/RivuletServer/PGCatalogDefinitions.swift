import RivuletEngine
import RivuletPlanner

/// What `pg_get_indexdef` and `pg_get_constraintdef` answer for the catalog's indexes and
/// constraints: a primary key is a unique index (kept in a hash map, so `USING hash`) and a
/// `PRIMARY KEY` constraint, under the oids the system catalog gives them. `col_description`
/// describes an event-time column by its watermark, `obj_description` a relation by its
/// connector and options, and `pg_get_viewdef` gives a view's SQL (what psql's `\d+` shows).
enum PGCatalogDefinitions {
    static func definitions(_ function: String, catalog: CatalogSnapshot.Contents) -> [Int64: String] {
        let relations = catalog.relations
        var texts: [Int64: String] = [:]
        if function == "PG_GET_VIEWDEF" {
            for view in catalog.views {
                texts[SystemCatalogConnector.oid(ofRelationNamed: view.name)] = view.sql
            }
            return texts
        }
        if function == "OBJ_DESCRIPTION" {
            for relation in relations {
                texts[SystemCatalogConnector.oid(ofRelationNamed: relation.name)] = relation.connector.description
            }
            return texts
        }
        if function == "COL_DESCRIPTION" {
            for relation in relations {
                guard let watermark = relation.watermark else { continue }
                let delay = watermark.delayMillis % 1000 == 0 ? "\(watermark.delayMillis / 1000) s" : "\(watermark.delayMillis) ms"
                let column = relation.schema.fields[watermark.column].name
                texts[SystemCatalogConnector.oid(ofRelationNamed: relation.name) * 65536 + Int64(watermark.column + 1)] =
                    "event time; watermark \(column) - \(delay)"
            }
            return texts
        }
        for relation in relations where !relation.primaryKey.isEmpty {
            let index = relation.name + "_pkey"
            let columns = relation.primaryKey.map { relation.schema.fields[$0].name }.joined(separator: ", ")
            if function == "PG_GET_INDEXDEF_COLUMN" {
                // Each key column by its index's oid and its number, as `oid * 65536 + number`.
                for (number, column) in relation.primaryKey.enumerated() {
                    texts[SystemCatalogConnector.oid(ofRelationNamed: index) * 65536 + Int64(number + 1)] =
                        relation.schema.fields[column].name
                }
                continue
            }
            switch function {
            case "PG_GET_INDEXDEF":
                texts[SystemCatalogConnector.oid(ofRelationNamed: index)] =
                    "CREATE UNIQUE INDEX \(index) ON public.\(relation.name) USING hash (\(columns))"
            case "PG_GET_CONSTRAINTDEF":
                texts[SystemCatalogConnector.oid(ofRelationNamed: "constraint " + index)] = "PRIMARY KEY (\(columns))"
            default:
                break
            }
        }
        return texts
    }
}
