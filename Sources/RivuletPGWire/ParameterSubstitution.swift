public import RivuletCore

/// Splices Bind's parameter values into a statement as SQL literals, replacing `$1`, `$2`, ...
/// outside string literals, quoted identifiers and comments. Keeps what is needed to map an
/// error position in the spliced text back to the text the client sent.
public struct ParameterSubstitution: Hashable, Sendable {
    public private(set) var sql: String
    /// Replacements in order, in Characters.
    private var replacements: [Replacement] = []

    /// Where a placeholder started in the original and the spliced text, and its length in each.
    private struct Replacement: Hashable, Sendable {
        var originalStart: Int
        var newStart: Int
        var originalLength: Int
        var newLength: Int
    }

    /// The highest placeholder number in `sql` (0 when there is none).
    public static func parameterCount(in sql: String) -> Int {
        placeholders(in: sql).map(\.number).max() ?? 0
    }

    /// - Parameters:
    ///   - values: text-format values by position, nil for NULL.
    ///   - types: declared types by position (missing or `unspecified` means a string literal).
    public init(sql: String, values: [String?], types: [PGType]) {
        var output = ""
        let characters = Array(sql)
        var cursor = 0
        var newLength = 0
        for placeholder in Self.placeholders(in: sql) {
            let before = String(characters[cursor..<placeholder.start])
            output += before
            newLength += before.count
            let index = placeholder.number - 1
            let literal =
                index < values.count
                ? Self.literal(values[index], type: index < types.count ? types[index] : .unspecified)
                : "NULL"
            replacements.append(
                Replacement(
                    originalStart: placeholder.start, newStart: newLength, originalLength: placeholder.length,
                    newLength: literal.count))
            output += literal
            newLength += literal.count
            cursor = placeholder.start + placeholder.length
        }
        output += String(characters[cursor...])
        self.sql = output
    }

    /// The 0-based Character offset in the original text for one in the spliced text; an offset
    /// inside a literal maps to its placeholder.
    public func originalOffset(of offset: Int) -> Int {
        var delta = 0
        for replacement in replacements {
            if offset < replacement.newStart { break }
            if offset < replacement.newStart + replacement.newLength { return replacement.originalStart }
            delta += replacement.newLength - replacement.originalLength
        }
        return offset - delta
    }

    /// `error` with its span moved back to the text the client sent.
    public func mapped(_ error: SQLError) -> SQLError {
        guard var span = error.span, !replacements.isEmpty else { return error }
        var mapped = error
        span.start.offset = originalOffset(of: span.start.offset)
        span.end.offset = max(span.start.offset, originalOffset(of: span.end.offset))
        mapped.span = span
        return mapped
    }

    static func literal(_ value: String?, type: PGType) -> String {
        guard let value else { return "NULL" }
        if type == .bool {
            switch value.lowercased() {
            case "t", "true", "yes", "on", "1": return "TRUE"
            case "f", "false", "no", "off", "0": return "FALSE"
            default: break
            }
        }
        if type.isNumeric, isNumber(value) {
            return value.hasPrefix("-") ? "(\(value))" : value
        }
        let quoted = "'" + String(value.flatMap { $0 == "'" ? ["'", "'"] : [$0] }) + "'"
        switch type {
        case .timestamp, .timestamptz: return "TIMESTAMP " + quoted
        case .date: return "DATE " + quoted
        default: return quoted
        }
    }

    private static func isNumber(_ text: String) -> Bool {
        var digits = 0
        var sawDot = false
        var sawExponent = false
        var previous: Character = " "
        for (index, c) in text.enumerated() {
            switch c {
            case "0"..."9": digits += 1
            case "-", "+": if index != 0 && previous != "e" && previous != "E" { return false }
            case ".": if sawDot || sawExponent { return false } else { sawDot = true }
            case "e", "E": if sawExponent || digits == 0 { return false } else { sawExponent = true }
            default: return false
            }
            previous = c
        }
        return digits > 0 && previous != "e" && previous != "E"
    }

    /// `$n` placeholders outside literals, identifiers and comments, as Character offsets.
    static func placeholders(in sql: String) -> [(start: Int, length: Int, number: Int)] {
        let text = Array(sql)
        var found: [(start: Int, length: Int, number: Int)] = []
        var i = 0
        func skipQuoted(_ quote: Character) {
            i += 1
            while i < text.count {
                if text[i] == quote {
                    if i + 1 < text.count, text[i + 1] == quote {
                        i += 2
                        continue
                    }
                    break
                }
                i += 1
            }
            i += 1
        }
        while i < text.count {
            let c = text[i]
            switch c {
            case "'", "\"", "`":
                skipQuoted(c)
            case "-" where i + 1 < text.count && text[i + 1] == "-":
                while i < text.count, text[i] != "\n" { i += 1 }
            case "/" where i + 1 < text.count && text[i + 1] == "*":
                i += 2
                while i + 1 < text.count, !(text[i] == "*" && text[i + 1] == "/") { i += 1 }
                i += 2
            case "$" where i + 1 < text.count && text[i + 1].isASCII && text[i + 1].isNumber:
                let start = i
                i += 1
                var number = 0
                while i < text.count, text[i].isASCII, let digit = text[i].wholeNumberValue {
                    number = min(number * 10 + digit, 1_000_000)
                    i += 1
                }
                found.append((start, i - start, number))
            default:
                i += 1
            }
        }
        return found
    }
}
