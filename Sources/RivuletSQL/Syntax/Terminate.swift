public import RivuletCore

/// `TERMINATE query_id` or `TERMINATE ALL`.
public struct Terminate: Hashable, Sendable {
    /// `nil` for `TERMINATE ALL`.
    public var queryId: String?
    @IgnoredSpan public var span: SourceSpan

    public init(queryId: String?, span: SourceSpan = .unknown) {
        self.queryId = queryId
        self.span = span
    }
}
