import Foundation

/// Compares result CSVs as multisets after putting every field in one canonical text form:
/// timestamps as `YYYY-MM-DD HH:MM:SS.mmm`, numbers with a point or exponent in plain decimal
/// notation without trailing zeros. Doubles may differ by a relative 1e-9.
enum ResultComparison {
    /// Rows of a CSV file, or of every visible file below a folder.
    static func rows(at url: URL) throws -> [[String]] {
        var files: [URL] = []
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
            while let file = enumerator?.nextObject() as? URL {
                let name = file.lastPathComponent
                if name.hasPrefix(".") || name.hasPrefix("_") { continue }
                var dir: ObjCBool = false
                if FileManager.default.fileExists(atPath: file.path, isDirectory: &dir), !dir.boolValue { files.append(file) }
            }
        } else {
            files = [url]
        }
        var rows: [[String]] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty {
                rows.append(fields(of: String(line)))
            }
        }
        return rows
    }

    /// The fields of one CSV line (RFC 4180 quoting).
    static func fields(of line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var chars = Array(line)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" {
                        current.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
            i += 1
        }
        fields.append(current)
        chars.removeAll()
        return fields
    }

    static func canonical(_ field: String) -> String {
        if let timestamp = canonicalTimestamp(field) { return timestamp }
        let isNumber = field.range(of: #"^[-+]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+)$"#, options: .regularExpression) != nil
        guard isNumber, let decimal = Decimal(string: field) else { return field }
        var text = "\(decimal)"
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    private static func canonicalTimestamp(_ field: String) -> String? {
        guard let match = field.firstMatch(of: /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?$/) else { return nil }
        var fraction = String(match.4 ?? "")
        while fraction.hasSuffix("0") { fraction.removeLast() }
        while fraction.count < 3 { fraction.append("0") }
        return "\(match.1) \(match.2):\(match.3 ?? "00").\(fraction)"
    }

    /// nil when equal; otherwise a description of the first differences.
    static func difference(expected: [[String]], actual: [[String]]) -> String? {
        let e = expected.map { $0.map(canonical) }.sorted { $0.lexicographicallyPrecedes($1) }
        let a = actual.map { $0.map(canonical) }.sorted { $0.lexicographicallyPrecedes($1) }
        if e == a { return nil }
        if e.count == a.count, zip(e, a).allSatisfy(rowsClose) { return nil }
        var counts: [[String]: Int] = [:]
        for row in e { counts[row, default: 0] += 1 }
        var extra: [[String]] = []
        for row in a {
            if let n = counts[row], n > 0 { counts[row] = n - 1 } else { extra.append(row) }
        }
        let missing = counts.flatMap { row, n in Array(repeating: row, count: n) }
        var lines = ["expected \(e.count) rows, got \(a.count): \(missing.count) missing, \(extra.count) unexpected"]
        lines += missing.prefix(5).map { "  - " + $0.joined(separator: ",") }
        lines += extra.prefix(5).map { "  + " + $0.joined(separator: ",") }
        return lines.joined(separator: "\n")
    }

    private static func rowsClose(_ x: [String], _ y: [String]) -> Bool {
        x.count == y.count && zip(x, y).allSatisfy { a, b in
            if a == b { return true }
            guard let u = Double(a), let v = Double(b) else { return false }
            return abs(u - v) <= 1e-9 * max(abs(u), abs(v), 1e-300)
        }
    }
}
