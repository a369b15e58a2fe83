public import RivuletCore
import Synchronization

/// What binding one statement of a client session needs beyond the catalog, and what it learns
/// on the way: the types of the statement's `$n` parameters, the session's functions
/// (`current_setting`, `current_database()`, ...), and how result columns are named.
///
/// A parameter takes its type from where it stands: the other operand of a comparison or
/// arithmetic, the type of a `CAST`/`::`, `LIKE`'s text, `LIMIT`'s integer. A parameter bound
/// before its type is known binds as an untyped NULL, which adapts like a NULL literal.
public final class BindingContext: Sendable {
    /// How a result column without an alias is named.
    public enum ColumnNaming: Sendable {
        /// Flink's `EXPR$n` (and persisted as such by `CREATE ... AS SELECT`).
        case flink
        /// Postgres': the function's name for a call, the type's for a cast of a constant,
        /// `?column?` for anything else.
        case postgres
    }

    /// Answers a session function with constant arguments (`current_setting('TimeZone')`),
    /// or nil when `name` (upper-cased) is not one.
    public typealias SessionFunction = @Sendable (_ name: String, _ arguments: [Value]) throws(SQLError) -> Value?

    /// The texts a catalog function returns by oid (`PG_GET_INDEXDEF`, `PG_GET_CONSTRAINTDEF`,
    /// upper-cased), from the catalog as it is when the statement is bound.
    public typealias CatalogDefinitions = @Sendable (_ function: String) -> [Int64: String]

    public let columnNaming: ColumnNaming
    private let sessionFunction: SessionFunction?
    private let catalogDefinitions: CatalogDefinitions?
    private let parameters: Mutex<[Int: SQLType]>

    /// - Parameter parameterTypes: types the client declared, by parameter number (1-based);
    ///   they are kept whatever the context says.
    public init(
        parameterTypes: [Int: SQLType] = [:], columnNaming: ColumnNaming = .flink,
        sessionFunction: SessionFunction? = nil, catalogDefinitions: CatalogDefinitions? = nil
    ) {
        self.catalogDefinitions = catalogDefinitions
        self.parameters = Mutex(parameterTypes)
        self.columnNaming = columnNaming
        self.sessionFunction = sessionFunction
    }

    /// Parameter types known so far (declared or inferred), by number.
    public var parameterTypes: [Int: SQLType] { parameters.withLock { $0 } }

    /// The type of parameter `number`, after `context` (the type its place calls for, `.null`
    /// when the place says nothing) was considered: the first type learned is kept.
    func parameterType(_ number: Int, context: SQLType) -> SQLType {
        parameters.withLock { known in
            if let type = known[number] { return type }
            guard context != .null else { return .null }
            known[number] = context
            return context
        }
    }

    func definitions(of function: String) -> [Int64: String] {
        catalogDefinitions?(function) ?? [:]
    }

    func callSessionFunction(_ name: String, _ arguments: [Value]) throws(SQLError) -> Value? {
        try sessionFunction?(name, arguments)
    }
}
