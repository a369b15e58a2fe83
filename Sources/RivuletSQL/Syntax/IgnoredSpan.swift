public import RivuletCore

/// Holds a node's source span without taking part in `==` or hashing, so two syntax trees
/// compare equal when they say the same thing, wherever in the text they were written.
@propertyWrapper
public struct IgnoredSpan: Hashable, Sendable {
    public var wrappedValue: SourceSpan

    public init(wrappedValue: SourceSpan) {
        self.wrappedValue = wrappedValue
    }

    public static func == (lhs: IgnoredSpan, rhs: IgnoredSpan) -> Bool { true }

    public func hash(into hasher: inout Hasher) {}
}

extension SourceSpan {
    /// The span of a node built in code rather than parsed from text.
    public static let unknown = SourceSpan(at: SourceLocation(line: 0, column: 0, offset: 0))
}
