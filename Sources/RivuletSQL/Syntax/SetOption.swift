public import RivuletCore

/// `SET 'key' = 'value'` or `SET key = value` (the key may be dotted: `SET table.exec.state.ttl = '1 h'`).
public struct SetOption: Hashable, Sendable {
    public var key: String
    public var value: String
    @IgnoredSpan public var span: SourceSpan

    public init(key: String, value: String, span: SourceSpan = .unknown) {
        self.key = key
        self.value = value
        self.span = span
    }
}

/// `RESET 'key'`, or `RESET` to restore every option.
public struct ResetOption: Hashable, Sendable {
    /// `nil` resets all options.
    public var key: String?
    @IgnoredSpan public var span: SourceSpan

    public init(key: String?, span: SourceSpan = .unknown) {
        self.key = key
        self.span = span
    }
}
