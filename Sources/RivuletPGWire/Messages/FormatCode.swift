/// The wire format of a parameter or result column.
public struct FormatCode: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let text = FormatCode(rawValue: 0)
    public static let binary = FormatCode(rawValue: 1)
}
