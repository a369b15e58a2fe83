public import RivuletCore

/// Flink's `EXECUTE STATEMENT SET BEGIN INSERT ...; INSERT ...; END` (and its SQL client's
/// `BEGIN STATEMENT SET; ...; END`): INSERTs planned together, so that none starts unless all
/// are valid, and started together.
public struct StatementSet: Hashable, Sendable {
    /// Each `INSERT INTO ... SELECT`, with its own text.
    public var inserts: [ParsedStatement]
    @IgnoredSpan public var span: SourceSpan

    public init(inserts: [ParsedStatement], span: SourceSpan = .unknown) {
        self.inserts = inserts
        self.span = span
    }
}

extension StatementSet {
    /// Sets are equal when their INSERTs are, wherever and however they were written.
    public static func == (a: StatementSet, b: StatementSet) -> Bool {
        a.inserts.map(\.statement) == b.inserts.map(\.statement)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(inserts.map(\.statement))
    }
}
