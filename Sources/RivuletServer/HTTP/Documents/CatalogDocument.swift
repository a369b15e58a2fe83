/// `GET /api/v1/catalog`: every stream, table and view with its columns and connector, and the
/// persistent queries that read and write it.
struct CatalogDocument: Encodable, Sendable {
    struct Column: Encodable, Sendable, Hashable {
        var name: String
        var type: String
        var nullable: Bool
    }

    struct Entry: Encodable, Sendable {
        var name: String
        /// `stream`, `table` or `view`.
        var kind: String
        var columns: [Column]
        /// The connector and its options; nil for a view.
        var connector: String?
        var options: [String: String]?
        var primaryKey: [String]
        /// A view's SQL.
        var sql: String?
        /// Ids of the persistent queries that read it, and of those that write it.
        var readBy: [String]
        var writtenBy: [String]
    }

    var relations: [Entry]
}
