public import RivuletCore

/// A possibly qualified object name: `bid`, `db.bid`, `catalog.db.bid`.
public struct ObjectName: Hashable, Sendable {
    /// At least one part.
    public var parts: [Identifier]

    public init(_ parts: [Identifier]) {
        self.parts = parts
    }

    public init(_ name: String) {
        self.parts = [Identifier(name)]
    }

    /// The last part: the object's own name.
    public var name: Identifier { parts[parts.count - 1] }

    public var span: SourceSpan {
        guard let first = parts.first, let last = parts.last else { return .unknown }
        return first.span.union(last.span)
    }
}
