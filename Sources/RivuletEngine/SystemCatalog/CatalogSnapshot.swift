public import RivuletCore
public import RivuletPlanner
import Synchronization

/// The declared relations and views as of the last change, readable from any thread: the
/// system catalog's rows are built from it when a query over `pg_catalog` or
/// `information_schema` starts, on whichever task runs that query.
public final class CatalogSnapshot: Sendable {
    public struct Contents: Sendable {
        public var relations: [Relation] = []
        /// Each view's name, canonical SQL and columns.
        public var views: [(name: String, sql: String, schema: Schema)] = []
        /// The database clients connect to, as `pg_database` and `information_schema` name it.
        public var database = "rivulet"
        /// Settings `pg_settings` lists, with their values.
        public var settings: [(name: String, value: String)] = []
        /// Built-in function names, as `pg_proc` lists them.
        public var functions: (scalar: [String], aggregate: [String]) = ([], [])
    }

    private let contents = Mutex(Contents())

    public init() {}

    public var current: Contents { contents.withLock { $0 } }

    public func update(_ body: (inout Contents) -> Void) {
        contents.withLock { body(&$0) }
    }
}
