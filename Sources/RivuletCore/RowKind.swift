/// The change a row carries in a changelog, as Flink's RowKind: `+I`, `-U`, `+U`, `-D`.
public enum RowKind: UInt8, Sendable, Hashable, CustomStringConvertible {
    case insert = 0
    case updateBefore = 1
    case updateAfter = 2
    case delete = 3

    /// Whether the row adds to the result (`+I`, `+U`) rather than retracts from it.
    public var isAccumulate: Bool { self == .insert || self == .updateAfter }

    public var description: String {
        switch self {
        case .insert: return "+I"
        case .updateBefore: return "-U"
        case .updateAfter: return "+U"
        case .delete: return "-D"
        }
    }
}
