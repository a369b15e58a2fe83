public import RivuletCore

/// A name as written: `price`, `` `dateTime` `` or `"Order Id"`.
///
/// Quoting rule: `value` is the spelling without quotes. `quoted` records whether the name was
/// quoted (backticks or double quotes), because quoting is significant: a binder compares
/// unquoted names case-insensitively and quoted names exactly. Printing keeps a quoted name
/// quoted (always with double quotes) and prints an unquoted one as spelled, adding quotes only
/// when the spelling could not be read back as a plain identifier (a reserved word, or
/// characters other than letters, digits and `_`).
public struct Identifier: Hashable, Sendable {
    public var value: String
    public var quoted: Bool
    @IgnoredSpan public var span: SourceSpan

    public init(_ value: String, quoted: Bool = false, span: SourceSpan = .unknown) {
        self.value = value
        self.quoted = quoted
        self.span = span
    }

    /// The name as a case-insensitive binder compares it: lower-cased unless quoted.
    public var normalized: String { quoted ? value : value.lowercased() }
}
