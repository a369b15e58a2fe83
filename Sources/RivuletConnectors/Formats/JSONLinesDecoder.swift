import RivuletCore

/// Decodes JSON lines (one flat object per line) straight into typed columns.
///
/// Field names match columns case-insensitively; a missing field or `null` is NULL; unknown
/// fields are ignored. Strings, numbers and booleans convert to the column's type (a number
/// given as a string is accepted, a TIMESTAMP may also be a number of epoch milliseconds).
/// A nested object or array fills an ARRAY, MAP or ROW column (`ValueJSON`), or is kept as its
/// raw JSON text in a VARCHAR column. A line that is
/// not a JSON object, or a value that does not fit its column, is handed to `bad` and skipped.
final class JSONLinesDecoder {
    /// Lower-cased UTF-8 names of every field, and the output slot each fills (-1: not requested).
    private let names: [[UInt8]]
    private let slotOfField: [Int]
    private var pending: PendingRow
    private let ignoreParseErrors: Bool

    init(types: [SQLType], names: [String], columns: [Int], ignoreParseErrors: Bool) {
        self.names = names.map { Array($0.lowercased().utf8) }
        var slots = Array(repeating: -1, count: types.count)
        for (slot, field) in columns.enumerated() { slots[field] = slot }
        slotOfField = slots
        pending = PendingRow(types: columns.map { types[$0] }, names: columns.map { names[$0] })
        self.ignoreParseErrors = ignoreParseErrors
    }

    /// Same contract as `CSVDecoder.decode`: complete lines only (unless `final`), at most
    /// `maxRows` rows in `batch`; returns the offset of the first byte not consumed.
    func decode(
        _ data: UnsafeBufferPointer<UInt8>, from start: Int, final: Bool, into batch: inout RowBatch,
        maxRows: Int, line: inout Int, bad: (BadRecord) throws -> Void
    ) rethrows -> Int {
        var pos = start
        let n = data.count
        while batch.count < maxRows, pos < n {
            var end = pos
            while end < n, data[end] != 10 { end += 1 }
            if end == n, !final { return pos }
            let recordLine = line
            line += 1
            let next = min(end + 1, n)
            var textEnd = end
            if textEnd > pos, data[textEnd - 1] == 13 { textEnd -= 1 }
            let text = UnsafeBufferPointer(rebasing: data[pos..<textEnd])
            defer { pos = next }
            if isBlank(text) { continue }
            pending.reset()
            if let reason = parseObject(text) {
                try bad(BadRecord(line: recordLine, raw: text, reason: reason))
                continue
            }
            pending.append(into: &batch)
        }
        return pos
    }

    private func isBlank(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in text where c != 32 && c != 9 { return false }
        return true
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }

    /// Parses one object into `pending`; returns the reason when it fails.
    private func parseObject(_ text: UnsafeBufferPointer<UInt8>) -> String? {
        var i = 0
        let n = text.count
        func skipSpace() { while i < n, Self.isSpace(text[i]) { i += 1 } }
        func syntax(_ what: String) -> String {
            let found = i < n ? "'\(String(decoding: [text[i]], as: UTF8.self))'" : "end of line"
            return "invalid JSON at column \(i + 1): expected \(what), found \(found)"
        }
        skipSpace()
        guard i < n, text[i] == UInt8(ascii: "{") else { return syntax("'{'") }
        i += 1
        skipSpace()
        if i < n, text[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            var expectedField = 0
            while true {
                skipSpace()
                guard i < n, text[i] == UInt8(ascii: "\"") else { return syntax("a field name") }
                // Field names are matched on their raw bytes (names with escapes do not match).
                let keyStart = i + 1
                guard let keyEnd = scanString(text, from: &i) else { return syntax("'\"' closing the field name") }
                let field = lookup(UnsafeBufferPointer(rebasing: text[keyStart..<keyEnd]), hint: expectedField)
                if field >= 0 { expectedField = field + 1 }
                skipSpace()
                guard i < n, text[i] == UInt8(ascii: ":") else { return syntax("':'") }
                i += 1
                skipSpace()
                let slot = field >= 0 ? slotOfField[field] : -1
                if let reason = parseValue(text, at: &i, slot: slot) { return reason }
                skipSpace()
                if i < n, text[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard i < n, text[i] == UInt8(ascii: "}") else { return syntax("',' or '}'") }
                i += 1
                break
            }
        }
        skipSpace()
        guard i == n else { return syntax("end of line") }
        return nil
    }

    /// The field whose name equals `key` ignoring ASCII case, trying `hint` first.
    private func lookup(_ key: UnsafeBufferPointer<UInt8>, hint: Int) -> Int {
        if hint < names.count, matches(key, names[hint]) { return hint }
        for f in names.indices where matches(key, names[f]) { return f }
        return -1
    }

    @inline(__always)
    private func matches(_ key: UnsafeBufferPointer<UInt8>, _ name: [UInt8]) -> Bool {
        guard key.count == name.count else { return false }
        for j in 0..<key.count {
            var c = key[j]
            if c >= 65, c <= 90 { c |= 0x20 }
            if c != name[j] { return false }
        }
        return true
    }

    /// With `i` on an opening quote, moves past the closing quote and returns the offset of
    /// the closing quote, or nil when the string does not end on this line or holds a control
    /// character JSON requires escaped (then `i` is left on it).
    private func scanString(_ text: UnsafeBufferPointer<UInt8>, from i: inout Int) -> Int? {
        i += 1
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if c == UInt8(ascii: "\"") {
                i += 1
                return i - 1
            }
            if c < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    private static func stringFailure(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> String {
        guard i < text.count else { return "invalid JSON: unterminated string" }
        return "invalid JSON at column \(i + 1): an unescaped control character (0x\(String(text[i], radix: 16))) in a string"
    }

    private func parseValue(_ text: UnsafeBufferPointer<UInt8>, at i: inout Int, slot: Int) -> String? {
        let n = text.count
        guard i < n else { return "invalid JSON: missing value at end of line" }
        let start = i
        let c = text[i]
        var reason: String?
        switch c {
        case UInt8(ascii: "\""):
            guard let end = scanString(text, from: &i) else { return Self.stringFailure(text, at: i) }
            guard slot >= 0 else { return nil }
            let body = UnsafeBufferPointer(rebasing: text[(start + 1)..<end])
            if body.contains(UInt8(ascii: "\\")) {
                let scratchStart = pending.scratch.count
                guard unescape(body, into: &pending.scratch) else { return "invalid JSON: bad escape in a string" }
                reason = pending.setScratchString(slot, start: scratchStart, end: pending.scratch.count)
            } else {
                reason = pending.set(slot, text: body)
            }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard skipNested(text, at: &i) else { return "invalid JSON: unbalanced \(c == 123 ? "object" : "array")" }
            guard slot >= 0 else { return nil }
            if pending.kinds[slot] == .string || pending.kinds[slot] == .nested {
                reason = pending.set(slot, text: UnsafeBufferPointer(rebasing: text[start..<i]))
            } else {
                reason = "column '\(pending.names[slot])': a nested JSON value is not a valid \(pending.types[slot])"
            }
        case UInt8(ascii: "n"):
            guard literal("null", text, at: &i) else { return "invalid JSON at column \(start + 1): unknown literal" }
            if slot >= 0 { pending.setNull(slot) }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            guard literal(c == 116 ? "true" : "false", text, at: &i) else {
                return "invalid JSON at column \(start + 1): unknown literal"
            }
            guard slot >= 0 else { return nil }
            let word = UnsafeBufferPointer(rebasing: text[start..<i])
            switch pending.kinds[slot] {
            case .boolean, .string: reason = pending.set(slot, text: word)
            default: reason = "column '\(pending.names[slot])': \(c == 116 ? "true" : "false") is not a valid \(pending.types[slot])"
            }
        default:
            while i < n {
                let d = text[i]
                if d == UInt8(ascii: ",") || d == UInt8(ascii: "}") || Self.isSpace(d) { break }
                i += 1
            }
            guard i > start else { return "invalid JSON at column \(start + 1): expected a value" }
            guard slot >= 0 else { return nil }
            let number = UnsafeBufferPointer(rebasing: text[start..<i])
            if pending.kinds[slot] == .timestamp, let millis = FieldParser.int64(number) {
                pending.isSet[slot] = true
                pending.isNull[slot] = false
                pending.ints[slot] = millis
            } else if pending.kinds[slot] == .string || FieldParser.double(number) != nil {
                reason = pending.set(slot, text: number)
            } else {
                return "invalid JSON at column \(start + 1): '\(String(decoding: number.prefix(40), as: UTF8.self))' is not a value"
            }
        }
        if reason != nil, ignoreParseErrors {
            pending.setNull(slot)
            return nil
        }
        return reason
    }

    private func literal(_ word: StaticString, _ text: UnsafeBufferPointer<UInt8>, at i: inout Int) -> Bool {
        let count = word.utf8CodeUnitCount
        guard i + count <= text.count else { return false }
        let bytes = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for j in 0..<count where text[i + j] != bytes[j] { return false }
        i += count
        return true
    }

    private func skipNested(_ text: UnsafeBufferPointer<UInt8>, at i: inout Int) -> Bool {
        var depth = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "\"") {
                guard scanString(text, from: &i) != nil else { return false }
                continue
            }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 {
                    i += 1
                    return true
                }
            }
            i += 1
        }
        return false
    }

    /// Appends the unescaped UTF-8 of a JSON string body; false on a malformed escape.
    private func unescape(_ body: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        var i = 0
        func hex4() -> UInt32? {
            guard i + 4 <= body.count else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = body[i + k]
                let d: UInt8
                switch c {
                case 48...57: d = c - 48
                case 65...70: d = c - 55
                case 97...102: d = c - 87
                default: return nil
                }
                v = v << 4 | UInt32(d)
            }
            i += 4
            return v
        }
        while i < body.count {
            let c = body[i]
            i += 1
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                continue
            }
            guard i < body.count else { return false }
            let e = body[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                guard var code = hex4() else { return false }
                if code >= 0xD800, code < 0xDC00 {
                    guard i + 1 < body.count, body[i] == UInt8(ascii: "\\"), body[i + 1] == UInt8(ascii: "u") else { return false }
                    i += 2
                    guard let low = hex4(), low >= 0xDC00, low < 0xE000 else { return false }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { return false }
                out.append(contentsOf: String(Character(scalar)).utf8)
            default:
                return false
            }
        }
        return true
    }
}
