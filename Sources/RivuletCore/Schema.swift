/// A named, typed column of a stream, table or intermediate result.
public struct Field: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var type: SQLType
    public var nullable: Bool

    public init(_ name: String, _ type: SQLType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    public var description: String { "\(name) \(type)\(nullable ? "" : " NOT NULL")" }
}

/// An ordered list of fields. Name lookup is case-insensitive, as SQL identifiers are.
public struct Schema: Hashable, Sendable, CustomStringConvertible {
    public var fields: [Field]

    public init(_ fields: [Field]) { self.fields = fields }

    public var count: Int { fields.count }
    public var names: [String] { fields.map(\.name) }
    public var types: [SQLType] { fields.map(\.type) }

    public subscript(index: Int) -> Field { fields[index] }

    /// Every index whose field name matches, ignoring case.
    public func indices(of name: String) -> [Int] {
        let wanted = name.lowercased()
        return fields.indices.filter { fields[$0].name.lowercased() == wanted }
    }

    public func firstIndex(of name: String) -> Int? { indices(of: name).first }

    public var description: String { "(" + fields.map(\.description).joined(separator: ", ") + ")" }
}
