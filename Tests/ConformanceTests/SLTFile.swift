import Foundation

/// One conformance file: its records, in order, with the line each starts on.
struct SLTFile: CustomStringConvertible, Sendable {
    enum Record: Sendable {
        case statementOK(sql: String)
        case statementError(state: String, pattern: String?, sql: String)
        case query(types: String, mode: Mode, sql: String, expected: [String])
        case sinkQuery(types: String, relation: String, expected: [String])
        case checkLate(Int)
        case checkBad(Int)
    }

    enum Mode: String, Sendable {
        case ordered
        case rowsort
        case changelog
    }

    struct Located: Sendable {
        var record: Record
        var file: String
        var line: Int
    }

    let path: String
    var records: [Located] = []

    /// The path relative to `conformance/`, as tests are named.
    var description: String {
        path.components(separatedBy: "/conformance/").last ?? path
    }

    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("conformance")

    /// Every `.slt` file under `conformance/`, sorted. `RIVULET_SLT=part` selects files whose
    /// path contains `part`.
    static var all: [SLTFile] {
        let filter = ProcessInfo.processInfo.environment["RIVULET_SLT"]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var files: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "slt" else { continue }
            if let filter, !url.path.contains(filter) { continue }
            files.append(url.path)
        }
        return files.sorted().map { path in
            do {
                return try SLTFile(path: path)
            } catch {
                var broken = SLTFile(path: path, records: [])
                broken.records = [Located(record: .statementError(state: "parse", pattern: "\(error)", sql: ""), file: path, line: 0)]
                return broken
            }
        }
    }

    private init(path: String, records: [Located]) {
        self.path = path
        self.records = records
    }

    init(path: String) throws {
        self.path = path
        records = try Self.parse(path: path)
    }

    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    private static func parse(path: String) throws -> [Located] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        var records: [Located] = []
        var i = 0
        func block() -> [String] {
            var out: [String] = []
            while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
                out.append(lines[i])
                i += 1
            }
            return out
        }
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") {
                i += 1
                continue
            }
            let start = i + 1
            let words = line.split(separator: " ").map(String.init)
            func fail(_ message: String) -> FormatError { FormatError(description: "\(path):\(start): \(message)") }
            switch words[0] {
            case "statement":
                i += 1
                let sql = block().joined(separator: "\n")
                if words.count >= 2, words[1] == "ok" {
                    records.append(Located(record: .statementOK(sql: sql), file: path, line: start))
                } else if words.count >= 3, words[1] == "error" {
                    let pattern = words.count > 3 ? words[3...].joined(separator: " ") : nil
                    records.append(Located(record: .statementError(state: words[2], pattern: pattern, sql: sql), file: path, line: start))
                } else {
                    throw fail("expected 'statement ok' or 'statement error <SQLSTATE> [regex]'")
                }
            case "query":
                guard words.count >= 2 else { throw fail("query needs its column types") }
                i += 1
                let body = block()
                guard let separator = body.firstIndex(of: "----") else { throw fail("query without '----'") }
                let sql = body[..<separator].joined(separator: "\n")
                let expected = Array(body[(separator + 1)...])
                if words.count >= 4, words[2] == "sink" {
                    records.append(Located(record: .sinkQuery(types: words[1], relation: words[3], expected: expected), file: path, line: start))
                } else {
                    let mode: Mode = words.count >= 3 ? (Mode(rawValue: words[2]) ?? .ordered) : .ordered
                    if words.count >= 3, Mode(rawValue: words[2]) == nil { throw fail("unknown query mode '\(words[2])'") }
                    records.append(Located(record: .query(types: words[1], mode: mode, sql: sql, expected: expected), file: path, line: start))
                }
            case "check":
                guard words.count == 3, let n = Int(words[2]), words[1] == "late" || words[1] == "bad" else {
                    throw fail("expected 'check late <n>' or 'check bad <n>'")
                }
                records.append(Located(record: words[1] == "late" ? .checkLate(n) : .checkBad(n), file: path, line: start))
                i += 1
            case "include":
                guard words.count == 2 else { throw fail("include takes one file name") }
                let included = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(words[1]).path
                records += try parse(path: included)
                i += 1
            default:
                throw fail("unknown record '\(words[0])'")
            }
        }
        return records
    }
}
