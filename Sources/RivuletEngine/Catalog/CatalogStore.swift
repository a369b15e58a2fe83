public import RivuletCore
public import RivuletPlanner

/// The streams and tables declared in a session, in declaration order.
public final class CatalogStore: Catalog {
    private var relations: [String: Relation] = [:]
    private var order: [String] = []

    public init() {}

    public func relation(named name: String) -> Relation? {
        relations[name.lowercased()]
    }

    public var relationNames: [String] { order.compactMap { relations[$0]?.name } }

    public var allRelations: [Relation] { order.compactMap { relations[$0] } }

    /// Adds a relation; a name already taken is an error unless `ifNotExists`.
    /// Returns false when the relation existed and was left as it is.
    @discardableResult
    public func add(_ relation: Relation, ifNotExists: Bool = false, at span: SourceSpan? = nil) throws(SQLError) -> Bool {
        let key = relation.name.lowercased()
        if let existing = relations[key] {
            if ifNotExists { return false }
            let kind = existing.kind == .stream ? "stream" : "table"
            throw SQLError(.duplicateTable, "\(kind) '\(existing.name)' already exists", at: span)
        }
        relations[key] = relation
        order.append(key)
        return true
    }

    /// Removes a relation; returns false when there was none.
    @discardableResult
    public func remove(_ name: String) -> Bool {
        let key = name.lowercased()
        guard relations.removeValue(forKey: key) != nil else { return false }
        order.removeAll { $0 == key }
        return true
    }
}
