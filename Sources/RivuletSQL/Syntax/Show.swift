public import RivuletCore

/// `SHOW STREAMS | TABLES | QUERIES | VIEWS | FUNCTIONS | TOPICS [EXTENDED]` (ksqlDB also spells it `LIST`).
public struct Show: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case streams = "STREAMS"
        case tables = "TABLES"
        case queries = "QUERIES"
        case views = "VIEWS"
        case functions = "FUNCTIONS"
        case topics = "TOPICS"
    }

    public var kind: Kind
    public var extended: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(kind: Kind, extended: Bool = false, span: SourceSpan = .unknown) {
        self.kind = kind
        self.extended = extended
        self.span = span
    }
}
