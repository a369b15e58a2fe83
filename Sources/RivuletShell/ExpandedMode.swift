/// psql's `\x`: records one below the other always, never, or when a table is too wide.
public enum ExpandedMode: String, Sendable {
    case off, on, auto
}
