public import RivuletCore

/// The clauses of Flink's SQL/JSON functions after their arguments:
/// `JSON_VALUE(j, path [RETURNING type] [behavior ON EMPTY] [behavior ON ERROR])`,
/// `JSON_QUERY(j, path [RETURNING type] [wrapper] [behavior ON EMPTY] [behavior ON ERROR])`,
/// `JSON_EXISTS(j, path [behavior ON ERROR])`, `JSON_OBJECT([KEY] k VALUE v, ... [NULL|ABSENT ON NULL])`
/// (its arguments alternate keys and values) and `JSON_ARRAY(v, ... [NULL|ABSENT ON NULL])`.
public struct JSONClauses: Hashable, Sendable {
    /// What a JSON_VALUE or JSON_QUERY gives, or an empty or failed search does.
    public enum Behavior: Hashable, Sendable {
        case null
        case error
        case `default`(Expr)
        case emptyArray
        case emptyObject
        case `true`
        case `false`
        case unknown
    }

    /// How JSON_QUERY wraps what it finds in an array.
    public enum Wrapper: String, Hashable, Sendable {
        case without = "WITHOUT ARRAY WRAPPER"
        case conditional = "WITH CONDITIONAL ARRAY WRAPPER"
        case unconditional = "WITH UNCONDITIONAL ARRAY WRAPPER"
    }

    /// What JSON_OBJECT and JSON_ARRAY make of a NULL value.
    public enum NullHandling: String, Hashable, Sendable {
        case null = "NULL ON NULL"
        case absent = "ABSENT ON NULL"
    }

    public var returning: SQLType?
    public var wrapper: Wrapper?
    public var onEmpty: Behavior?
    public var onError: Behavior?
    public var onNull: NullHandling?

    public init(
        returning: SQLType? = nil, wrapper: Wrapper? = nil, onEmpty: Behavior? = nil, onError: Behavior? = nil,
        onNull: NullHandling? = nil
    ) {
        self.returning = returning
        self.wrapper = wrapper
        self.onEmpty = onEmpty
        self.onError = onError
        self.onNull = onNull
    }

    /// The expressions of DEFAULT behaviors.
    public var defaults: [Expr] {
        [onEmpty, onError].compactMap { behavior in
            if case .default(let expr)? = behavior { return expr }
            return nil
        }
    }

    /// The SQL/JSON functions written with clauses, by upper-cased name.
    public static let functions: Set<String> = ["JSON_VALUE", "JSON_QUERY", "JSON_EXISTS", "JSON_OBJECT", "JSON_ARRAY"]
}
