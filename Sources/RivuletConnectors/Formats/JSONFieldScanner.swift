/// Finds the fields of a JSON object without decoding their values: each field's value as a
/// byte range of the text, nested objects and arrays skipped whole. For envelopes whose parts
/// are decoded separately (`DebeziumEnvelope`).
struct JSONFieldScanner {
    struct Malformed: Error {
        var reason: String
    }

    let text: UnsafeBufferPointer<UInt8>

    /// The fields of the object spanning `range` (which may have spaces around it), by name as
    /// written (names with escapes are kept raw); a repeated name keeps its last value.
    func topLevelFields(of range: Range<Int>) throws(Malformed) -> [String: Range<Int>] {
        var i = range.lowerBound
        let end = range.upperBound
        skipSpace(&i, end)
        guard i < end, text[i] == UInt8(ascii: "{") else { throw failure("'{'", at: i, end) }
        i += 1
        var fields: [String: Range<Int>] = [:]
        skipSpace(&i, end)
        if i < end, text[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace(&i, end)
                guard i < end, text[i] == UInt8(ascii: "\"") else { throw failure("a field name", at: i, end) }
                let nameStart = i + 1
                guard let nameEnd = skipString(&i, end) else { throw Malformed(reason: "invalid JSON: unterminated string") }
                let name = String(decoding: UnsafeBufferPointer(rebasing: text[nameStart..<nameEnd]), as: UTF8.self)
                skipSpace(&i, end)
                guard i < end, text[i] == UInt8(ascii: ":") else { throw failure("':'", at: i, end) }
                i += 1
                skipSpace(&i, end)
                let valueStart = i
                try skipValue(&i, end)
                fields[name] = valueStart..<i
                skipSpace(&i, end)
                if i < end, text[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard i < end, text[i] == UInt8(ascii: "}") else { throw failure("',' or '}'", at: i, end) }
                i += 1
                break
            }
        }
        skipSpace(&i, end)
        guard i == end else { throw failure("the end of the value", at: i, end) }
        return fields
    }

    /// The bytes between the quotes when `range` is a JSON string without escapes.
    func stringBody(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8>? {
        guard range.count >= 2, text[range.lowerBound] == UInt8(ascii: "\""), text[range.upperBound - 1] == UInt8(ascii: "\"") else {
            return nil
        }
        let body = UnsafeBufferPointer(rebasing: text[(range.lowerBound + 1)..<(range.upperBound - 1)])
        return body.contains(UInt8(ascii: "\\")) ? nil : body
    }

    /// Whether `range` is the literal `null`.
    func isNull(_ range: Range<Int>) -> Bool {
        range.count == 4 && text[range.lowerBound] == UInt8(ascii: "n")
    }

    private func failure(_ expected: String, at i: Int, _ end: Int) -> Malformed {
        let found = i < end ? "'\(String(decoding: [text[i]], as: UTF8.self))'" : "the end of the message"
        return Malformed(reason: "invalid JSON at byte \(i + 1): expected \(expected), found \(found)")
    }

    private func skipSpace(_ i: inout Int, _ end: Int) {
        while i < end, text[i] == 32 || text[i] == 9 || text[i] == 10 || text[i] == 13 { i += 1 }
    }

    /// With `i` on an opening quote, moves past the closing one and returns its offset.
    private func skipString(_ i: inout Int, _ end: Int) -> Int? {
        i += 1
        while i < end {
            switch text[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""):
                i += 1
                return i - 1
            default: i += 1
            }
        }
        return nil
    }

    private func skipValue(_ i: inout Int, _ end: Int) throws(Malformed) {
        guard i < end else { throw failure("a value", at: i, end) }
        switch text[i] {
        case UInt8(ascii: "\""):
            guard skipString(&i, end) != nil else { throw Malformed(reason: "invalid JSON: unterminated string") }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < end {
                switch text[i] {
                case UInt8(ascii: "\""):
                    guard skipString(&i, end) != nil else { throw Malformed(reason: "invalid JSON: unterminated string") }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        return
                    }
                default: break
                }
                i += 1
            }
            throw Malformed(reason: "invalid JSON: an unbalanced object or array")
        default:
            // A number or a literal: up to the next delimiter; its text is checked where it is decoded.
            let start = i
            while i < end, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 32, 9, 10, 13].contains(text[i]) { i += 1 }
            if i == start { throw failure("a value", at: i, end) }
        }
    }
}
