public import RivuletCore
public import RivuletPlanner
public import RivuletSQL

/// The streams, tables and views declared in a session, in declaration order.
public final class CatalogStore: Catalog {
    private var relations: [String: Relation] = [:]
    private var views: [String: (name: String, query: Query)] = [:]
    /// The columns of each view, as binding its query gave them when it was created.
    private var viewSchemas: [String: Schema] = [:]
    private var order: [String] = []
    /// Relations the process provides (the error log): found by name, never listed or dropped.
    private var systemRelations: [String: Relation] = [:]
    /// What the system catalog (`pg_catalog`, `information_schema`) shows, kept in step.
    public let snapshot = CatalogSnapshot()

    public init() {}

    private func publish() {
        let relations = allRelations
        let views = views.map { key, view in
            (name: view.name, sql: view.query.description, schema: viewSchemas[key] ?? Schema([]))
        }.sorted { $0.name < $1.name }
        snapshot.update { contents in
            contents.relations = relations
            contents.views = views
        }
    }

    public func addSystem(_ relation: Relation) {
        systemRelations[relation.name.lowercased()] = relation
    }

    public func view(named name: String) -> Query? {
        views[name.lowercased()]?.query
    }

    public func addView(named name: String, query: Query, ifNotExists: Bool, at span: SourceSpan?) throws(SQLError) {
        let key = name.lowercased()
        if relations[key] != nil || views[key] != nil {
            if ifNotExists { return }
            throw SQLError(.duplicateTable, "'\(name)' already exists", at: span)
        }
        views[key] = (name, query)
        publish()
    }

    public func removeView(_ name: String) -> Bool {
        defer { publish() }
        viewSchemas[name.lowercased()] = nil
        return views.removeValue(forKey: name.lowercased()) != nil
    }

    /// Records the columns of view `name`, for the system catalog.
    public func setViewSchema(_ schema: Schema, of name: String) {
        viewSchemas[name.lowercased()] = schema
        publish()
    }

    public func relation(named name: String) -> Relation? {
        relations[name.lowercased()] ?? systemRelations[name.lowercased()]
    }

    public var relationNames: [String] { order.compactMap { relations[$0]?.name } }

    public var allRelations: [Relation] { order.compactMap { relations[$0] } }

    /// Adds a relation; a name already taken is an error unless `ifNotExists`.
    /// Returns false when the relation existed and was left as it is.
    @discardableResult
    public func add(_ relation: Relation, ifNotExists: Bool = false, at span: SourceSpan? = nil) throws(SQLError) -> Bool {
        let key = relation.name.lowercased()
        if views[key] != nil, !ifNotExists {
            throw SQLError(.duplicateTable, "a view named '\(relation.name)' already exists", at: span)
        }
        if let existing = relations[key] {
            if ifNotExists { return false }
            let kind = existing.kind == .stream ? "stream" : "table"
            throw SQLError(.duplicateTable, "\(kind) '\(existing.name)' already exists", at: span)
        }
        relations[key] = relation
        order.append(key)
        publish()
        return true
    }

    /// Removes a relation; returns false when there was none.
    @discardableResult
    public func remove(_ name: String) -> Bool {
        let key = name.lowercased()
        guard relations.removeValue(forKey: key) != nil else { return false }
        order.removeAll { $0 == key }
        publish()
        return true
    }
}
