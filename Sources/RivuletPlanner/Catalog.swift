public import RivuletSQL

/// What the binder may ask of the catalog. The planner sees streams, tables and views only
/// through this protocol, so it stays independent of where definitions are stored.
public protocol Catalog {
    /// The relation with this name (case-insensitive), if declared.
    func relation(named name: String) -> Relation?
    /// The query of the view with this name (case-insensitive), if declared.
    func view(named name: String) -> Query?
    /// Every declared name, for "did you mean" hints.
    var relationNames: [String] { get }
}
