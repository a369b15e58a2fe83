/// A parsed `.proto` file: its messages and enums with fully qualified names, field types
/// resolved. Made by `ProtoSchema.parse` from the text a schema registry stores (or that
/// `ProtobufSchemaText` generates); `ProtobufCodec` reads and writes messages of it.
public struct ProtoSchema: Sendable {
    public enum Syntax: String, Sendable {
        case proto2
        case proto3
    }

    public var syntax: Syntax
    /// The `package`, or "" without one.
    public var package: String
    public var imports: [String]
    /// Every message, nested ones included, by fully qualified name without the leading dot
    /// (`pkg.Outer.Inner`).
    public var messages: [String: ProtoMessage]
    /// Every enum, by fully qualified name.
    public var enums: [String: ProtoEnum]
    /// The top-level messages' full names, in the order they are declared (the first is the
    /// message a Confluent message index of `[0]` names).
    public var topLevelMessages: [String]

    /// The message named `name`: a full name (`pkg.Msg`, `.pkg.Msg`), or a name relative to
    /// the package (`Msg`, `Outer.Inner`).
    public func message(named name: String) -> ProtoMessage? {
        let bare = name.hasPrefix(".") ? String(name.dropFirst()) : name
        if let found = messages[bare] { return found }
        return package.isEmpty ? nil : messages[package + "." + bare]
    }

    /// The message a Confluent message-index path names: `[i]` the i-th top-level message,
    /// `[i, j]` the j-th message nested in it, and so on.
    public func message(atIndexes indexes: [Int]) -> ProtoMessage? {
        guard let first = indexes.first, topLevelMessages.indices.contains(first) else { return nil }
        var message = messages[topLevelMessages[first]]
        for index in indexes.dropFirst() {
            guard let current = message, current.nestedMessages.indices.contains(index) else { return nil }
            message = messages[current.nestedMessages[index]]
        }
        return message
    }

    /// The message-index path of the message `fullName` (the inverse of `message(atIndexes:)`).
    public func indexes(ofMessage fullName: String) -> [Int]? {
        func search(_ names: [String], path: [Int]) -> [Int]? {
            for (index, name) in names.enumerated() {
                if name == fullName { return path + [index] }
                if let nested = messages[name]?.nestedMessages, let found = search(nested, path: path + [index]) { return found }
            }
            return nil
        }
        return search(topLevelMessages, path: [])
    }

    /// Parses `.proto` text (proto2 or proto3). Options are read and ignored; `import`ed files
    /// are known by name for the well-known types ksqlDB uses (`ProtoWellKnown`).
    public static func parse(_ text: String) throws(ProtoSchemaError) -> ProtoSchema {
        var parser = ProtoParser(text: text)
        return try parser.parseFile()
    }
}

public struct ProtoMessage: Sendable {
    public var name: String
    public var fullName: String
    public var fields: [ProtoField]
    /// The full names of the messages declared inside it, in order.
    public var nestedMessages: [String]

    /// The field with tag `number`.
    public func field(number: Int) -> ProtoField? { fields.first { $0.number == number } }
}

public struct ProtoEnum: Sendable {
    public var name: String
    public var fullName: String
    /// The values in declaration order; the first is the default.
    public var values: [(name: String, number: Int)]

    public func name(of number: Int) -> String? { values.first { $0.number == number }?.name }
    public func number(of name: String) -> Int? { values.first { $0.name == name }?.number }
}

public struct ProtoField: Sendable {
    public enum Label: Sendable {
        /// No label (proto3): no presence for scalars, absent reads as the default.
        case singular
        /// `optional` (proto2, or proto3 with presence).
        case optional
        case required
        case repeated
    }

    public var name: String
    public var number: Int
    public var label: Label
    public var type: ProtoType
    /// The `oneof` the field belongs to, if any.
    public var oneof: String?
}

/// The type of a field, resolved.
public indirect enum ProtoType: Sendable, Equatable {
    case scalar(ProtoScalar)
    /// A message by full name (a well-known one is a message too, see `ProtoWellKnown`).
    case message(String)
    /// An enum by full name.
    case enumeration(String)
    /// `map<K, V>`: on the wire a repeated entry message with `key` = 1 and `value` = 2.
    case map(key: ProtoScalar, value: ProtoType)
}

public enum ProtoScalar: String, Sendable, CaseIterable {
    case double, float, int32, int64, uint32, uint64, sint32, sint64
    case fixed32, fixed64, sfixed32, sfixed64, bool, string, bytes

    /// How the value sits on the wire.
    var wireType: ProtoWireType {
        switch self {
        case .double, .fixed64, .sfixed64: return .fixed64
        case .float, .fixed32, .sfixed32: return .fixed32
        case .string, .bytes: return .lengthDelimited
        default: return .varint
        }
    }

    /// Whether a repeated field of it may be packed.
    var isPackable: Bool { wireType != .lengthDelimited }
}

/// The well-known messages ksqlDB reads and writes by meaning rather than as a STRUCT,
/// known by name whether or not their file is imported.
public enum ProtoWellKnown: Sendable {
    /// `google.protobuf.Timestamp` (`seconds` = 1, `nanos` = 2): TIMESTAMP.
    case timestamp
    /// `google.type.Date` (`year`, `month`, `day`): DATE.
    case date
    /// `confluent.type.Decimal` (`bytes value` = 1 big-endian two's complement, `precision`,
    /// `scale`): DECIMAL.
    case decimal
    /// `google.protobuf.Int32Value`, ...: the `value` = 1 of the scalar, or NULL when absent.
    case wrapper(ProtoScalar)

    init?(fullName: String) {
        switch fullName {
        case "google.protobuf.Timestamp": self = .timestamp
        case "google.type.Date": self = .date
        case "confluent.type.Decimal": self = .decimal
        case "google.protobuf.DoubleValue": self = .wrapper(.double)
        case "google.protobuf.FloatValue": self = .wrapper(.float)
        case "google.protobuf.Int64Value": self = .wrapper(.int64)
        case "google.protobuf.UInt64Value": self = .wrapper(.uint64)
        case "google.protobuf.Int32Value": self = .wrapper(.int32)
        case "google.protobuf.UInt32Value": self = .wrapper(.uint32)
        case "google.protobuf.BoolValue": self = .wrapper(.bool)
        case "google.protobuf.StringValue": self = .wrapper(.string)
        case "google.protobuf.BytesValue": self = .wrapper(.bytes)
        default: return nil
        }
    }

    /// The file a schema imports to use it.
    public var importPath: String {
        switch self {
        case .timestamp: return "google/protobuf/timestamp.proto"
        case .date: return "google/type/date.proto"
        case .decimal: return "confluent/type/decimal.proto"
        case .wrapper: return "google/protobuf/wrappers.proto"
        }
    }
}

/// Why schema text did not parse, with its position (1-based line and column).
public struct ProtoSchemaError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int

    public init(message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { "\(message) at line \(line), column \(column)" }
}
