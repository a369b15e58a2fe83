public import RivuletCore

/// One field of a RowDescription.
public struct ColumnDescription: Hashable, Sendable {
    public var name: String
    public var type: PGType
    /// `atttypmod`: precision/scale for numeric and timestamp, -1 otherwise.
    public var typeModifier: Int32
    public var format: FormatCode

    public init(name: String, type: PGType, typeModifier: Int32 = -1, format: FormatCode = .text) {
        self.name = name
        self.type = type
        self.typeModifier = typeModifier
        self.format = format
    }

    /// The description of a Rivulet result column.
    public init(_ field: Field, format: FormatCode = .text) {
        self.init(name: field.name, type: PGType(field.type), typeModifier: PGType.typeModifier(of: field.type), format: format)
    }

    /// The descriptions of a result schema, with Bind's result format codes applied.
    public static func describing(_ schema: Schema, formats: [FormatCode] = []) -> [ColumnDescription] {
        schema.fields.enumerated().map { index, field in
            ColumnDescription(field, format: formats.format(at: index))
        }
    }
}

extension [FormatCode] {
    /// Bind's rule: no codes means text, one code applies to every column, else one per column.
    func format(at index: Int) -> FormatCode {
        switch count {
        case 0: return .text
        case 1: return self[0]
        default: return index < count ? self[index] : .text
        }
    }
}
