/// A Debezium event's `op`: what happened to the row.
public enum DebeziumOperation: Equatable, Sendable {
    /// `c`: a row was inserted.
    case create
    /// `r`: a row read by the connector's initial snapshot.
    case read
    /// `u`: a row was updated.
    case update
    /// `d`: a row was deleted.
    case delete

    public init?(code: String) {
        switch code {
        case "c": self = .create
        case "r": self = .read
        case "u": self = .update
        case "d": self = .delete
        default: return nil
        }
    }

    public var code: String {
        switch self {
        case .create: return "c"
        case .read: return "r"
        case .update: return "u"
        case .delete: return "d"
        }
    }
}
