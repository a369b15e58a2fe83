/// What a user may do. Each role may do everything the ones before it may; a refused
/// statement fails with 42501 naming the role it needs.
public enum Role: String, CaseIterable, Comparable, Sendable {
    /// SELECT (pull and push queries), SHOW, DESCRIBE, EXPLAIN.
    case reader
    /// Also INSERT, CREATE and CREATE ... AS SELECT.
    case writer
    /// Also DROP and TERMINATE.
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
