/// Values as JSON text, the one spelling nested values have outside the engine: JSON formats,
/// SQLite and Postgres `jsonb` sinks, pgwire `json` columns and `CAST(... AS VARCHAR)` of a ROW or MAP
/// all use it. A ROW is an object keyed by field name, a MAP an object keyed by the key's text,
/// an ARRAY an array; timestamps and dates are strings, as Flink's `json` format writes them,
/// or with `temporalAsNumbers` epoch milliseconds and days since the epoch, as ksqlDB's `JSON`.
public enum ValueJSON {
    /// `value` (of `type`) as compact JSON.
    public static func text(_ value: Value, type: SQLType, temporalAsNumbers: Bool = false) -> String {
        var out = ""
        append(value, type: type, temporalAsNumbers: temporalAsNumbers, to: &out)
        return out
    }

    public static func append(_ value: Value, type: SQLType, temporalAsNumbers: Bool = false, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .boolean(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): if d.isFinite { out += DoubleFormat.text(d) } else { appendQuoted(DoubleFormat.text(d), to: &out) }
        case .decimal(let unscaled, let scale): out += DecimalFormat.text(unscaled: unscaled, scale: scale)
        case .interval(let ms): out += String(ms)
        case .intervalMonths(let months): out += String(months)
        case .string(let s): appendQuoted(s, to: &out)
        case .timestamp(let number) where temporalAsNumbers, .date(let number) where temporalAsNumbers: out += String(number)
        case .timestamp, .date: appendQuoted(value.description, to: &out)
        case .array(let elements):
            let elementType: SQLType = if case .array(let t) = type { t } else { .null }
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                append(element, type: elementType, temporalAsNumbers: temporalAsNumbers, to: &out)
            }
            out += "]"
        case .map(let keys, let values):
            let valueType: SQLType = if case .map(_, let t) = type { t } else { .null }
            out += "{"
            for i in keys.indices {
                if i > 0 { out += "," }
                appendQuoted(keys[i].description, to: &out)
                out += ":"
                append(values[i], type: valueType, temporalAsNumbers: temporalAsNumbers, to: &out)
            }
            out += "}"
        case .row(let fields):
            let types: [RowField] = if case .row(let f) = type { f } else { [] }
            out += "{"
            for (i, field) in fields.enumerated() {
                if i > 0 { out += "," }
                appendQuoted(i < types.count ? types[i].name : "f\(i)", to: &out)
                out += ":"
                append(field, type: i < types.count ? types[i].type : .null, temporalAsNumbers: temporalAsNumbers, to: &out)
            }
            out += "}"
        }
    }

    public static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// Parses JSON `text` as a value of `type`; nil when it is not JSON or does not fit the type.
    public static func parse(_ text: String, as type: SQLType) -> Value? {
        var reader = JSONTextReader(Array(text.utf8))
        guard let node = reader.readDocument() else { return nil }
        return value(of: node, as: type)
    }

    /// A parsed JSON tree converted to `type`: numbers to numeric types, strings to text and
    /// times, arrays to ARRAY, objects to MAP (keys read as the key type) or ROW (fields by name,
    /// case-insensitively when no exact match, missing fields NULL). nil when it does not fit.
    public static func value(of node: JSONNode, as type: SQLType) -> Value? {
        if case .null = node { return .null }
        switch type {
        case .null: return .null
        case .boolean:
            if case .bool(let b) = node { return .boolean(b) }
            if case .string(let s) = node, let b = ["true": true, "false": false][s.lowercased()] { return .boolean(b) }
            return nil
        case .integer, .bigint:
            guard let text = node.scalarText, let i = Int64(text) else { return nil }
            if type == .integer, i < Int64(Int32.min) || i > Int64(Int32.max) { return nil }
            return .int(i)
        case .double:
            guard let text = node.scalarText, let d = Double(text) else { return nil }
            return .double(d)
        case .decimal(_, let scale):
            guard let text = node.scalarText, let unscaled = DecimalFormat.parse(text, scale: scale) else { return nil }
            return .decimal(unscaled: unscaled, scale: scale)
        case .varchar:
            switch node {
            case .string(let s): return .string(s)
            case .number(let n): return .string(n)
            case .bool(let b): return .string(b ? "true" : "false")
            default: return .string(node.text)
            }
        case .timestamp:
            if case .number(let n) = node, let ms = Int64(n) { return .timestamp(ms) }
            guard case .string(let s) = node, let ms = TimeFormat.parseTimestamp(s) else { return nil }
            return .timestamp(ms)
        case .date:
            if case .number(let n) = node, let days = Int64(n) { return .date(days) }
            guard case .string(let s) = node, let days = TimeFormat.parseDate(s) else { return nil }
            return .date(days)
        case .intervalDayTime:
            guard let text = node.scalarText, let ms = Int64(text) else { return nil }
            return .interval(milliseconds: ms)
        case .intervalYearMonth:
            guard let text = node.scalarText, let months = Int64(text) else { return nil }
            return .intervalMonths(months)
        case .array(let element):
            guard case .array(let items) = node else { return nil }
            var values: [Value] = []
            for item in items {
                guard let v = value(of: item, as: element) else { return nil }
                values.append(v)
            }
            return .array(values)
        case .map(let keyType, let valueType):
            guard case .object(let members) = node else { return nil }
            var keys: [Value] = [], values: [Value] = []
            for (name, item) in members {
                guard let k = value(of: .string(name), as: keyType) ?? value(of: .number(name), as: keyType),
                    let v = value(of: item, as: valueType)
                else { return nil }
                if let existing = keys.firstIndex(of: k) {
                    values[existing] = v
                } else {
                    keys.append(k)
                    values.append(v)
                }
            }
            return .map(keys: keys, values: values)
        case .row(let fields):
            guard case .object(let members) = node else { return nil }
            var values: [Value] = []
            for field in fields {
                let member = members.last { $0.0 == field.name }
                    ?? members.last { $0.0.uppercased() == field.name.uppercased() }
                guard let member else {
                    values.append(.null)
                    continue
                }
                guard let v = value(of: member.1, as: field.type) else { return nil }
                values.append(v)
            }
            return .row(values)
        }
    }
}

/// A parsed JSON value. Numbers keep their text, so DECIMAL and BIGINT lose no digits.
public enum JSONNode: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONNode])
    case object([(String, JSONNode)])

    public static func == (a: JSONNode, b: JSONNode) -> Bool { a.text == b.text }

    /// A number's text, or a string's (JSON writers often quote numbers).
    var scalarText: String? {
        switch self {
        case .number(let n): return n
        case .string(let s): return s
        default: return nil
        }
    }

    /// The node as compact JSON.
    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s):
            var out = ""
            ValueJSON.appendQuoted(s, to: &out)
            return out
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { name, node in
                var out = ""
                ValueJSON.appendQuoted(name, to: &out)
                return out + ":" + node.text
            }.joined(separator: ",") + "}"
        }
    }
}

/// A small recursive-descent JSON reader over UTF-8 bytes (depth-limited).
public struct JSONTextReader {
    private let bytes: [UInt8]
    public private(set) var offset = 0
    private var depth = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The whole input as one JSON value (surrounding whitespace allowed).
    public mutating func readDocument() -> JSONNode? {
        guard let node = readValue() else { return nil }
        skipSpace()
        return offset == bytes.count ? node : nil
    }

    public mutating func readValue() -> JSONNode? {
        skipSpace()
        guard offset < bytes.count else { return nil }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            guard depth < 64 else { return nil }
            depth += 1
            defer { depth -= 1 }
            offset += 1
            var members: [(String, JSONNode)] = []
            skipSpace()
            if consume(UInt8(ascii: "}")) { return .object(members) }
            repeat {
                skipSpace()
                guard let name = readString() else { return nil }
                skipSpace()
                guard consume(UInt8(ascii: ":")), let value = readValue() else { return nil }
                members.append((name, value))
                skipSpace()
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "}")) ? .object(members) : nil
        case UInt8(ascii: "["):
            guard depth < 64 else { return nil }
            depth += 1
            defer { depth -= 1 }
            offset += 1
            var items: [JSONNode] = []
            skipSpace()
            if consume(UInt8(ascii: "]")) { return .array(items) }
            repeat {
                guard let value = readValue() else { return nil }
                items.append(value)
                skipSpace()
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "]")) ? .array(items) : nil
        case UInt8(ascii: "\""):
            return readString().map { .string($0) }
        case UInt8(ascii: "t"): return readWord("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return readWord("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return readWord("null") ? .null : nil
        default:
            let start = offset
            while offset < bytes.count, "+-0123456789.eE".utf8.contains(bytes[offset]) { offset += 1 }
            guard offset > start else { return nil }
            return .number(String(decoding: bytes[start..<offset], as: UTF8.self))
        }
    }

    private mutating func skipSpace() {
        while offset < bytes.count, [32, 9, 10, 13].contains(bytes[offset]) { offset += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard offset < bytes.count, bytes[offset] == byte else { return false }
        offset += 1
        return true
    }

    private mutating func readWord(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard offset + w.count <= bytes.count, Array(bytes[offset..<offset + w.count]) == w else { return false }
        offset += w.count
        return true
    }

    private mutating func readString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        var out: [UInt8] = []
        while offset < bytes.count {
            let c = bytes[offset]
            offset += 1
            switch c {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { return nil }
                let e = bytes[offset]
                offset += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard offset + 4 <= bytes.count,
                        var code = UInt32(String(decoding: bytes[offset..<offset + 4], as: UTF8.self), radix: 16)
                    else { return nil }
                    offset += 4
                    // A surrogate pair spells one scalar beyond the BMP.
                    if (0xD800..<0xDC00).contains(code), offset + 6 <= bytes.count, bytes[offset] == 92,
                        let low = UInt32(String(decoding: bytes[offset + 2..<offset + 6], as: UTF8.self), radix: 16),
                        (0xDC00..<0xE000).contains(low)
                    {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        offset += 6
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
                default: out.append(e)
                }
            default: out.append(c)
            }
        }
        return nil
    }
}
