public import RivuletCore

/// One `key = value` of a `WITH (...)` clause: `'connector' = 'kafka'` (Flink) or
/// `KAFKA_TOPIC = 'bids'`, `PARTITIONS = 4` (ksqlDB).
public struct TableOption: Hashable, Sendable {
    /// The key without quotes, as written.
    public var key: String
    /// Whether the key was written as a string literal (`'connector'`) rather than an identifier.
    public var keyIsString: Bool
    public var value: OptionValue
    @IgnoredSpan public var span: SourceSpan

    public init(key: String, keyIsString: Bool = true, value: OptionValue, span: SourceSpan = .unknown) {
        self.key = key
        self.keyIsString = keyIsString
        self.value = value
        self.span = span
    }

    /// The last option named `key` (case-insensitively) in `options`.
    static func lookup(_ key: String, in options: [TableOption]) -> OptionValue? {
        let wanted = key.lowercased()
        return options.last { $0.key.lowercased() == wanted }?.value
    }
}

/// The value of a `WITH` option.
public enum OptionValue: Hashable, Sendable {
    case string(String)
    /// A number as written, e.g. `4` or `-1.5`.
    case number(String)
    case boolean(Bool)
    /// A bare word, e.g. ksqlDB `VALUE_FORMAT = JSON`.
    case identifier(String)

    /// The value as text: strings unquoted, booleans `true`/`false`.
    public var text: String {
        switch self {
        case .string(let s), .number(let s), .identifier(let s): return s
        case .boolean(let b): return b ? "true" : "false"
        }
    }
}
