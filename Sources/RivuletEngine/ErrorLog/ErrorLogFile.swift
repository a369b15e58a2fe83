public import Foundation
public import RivuletRuntime

/// An entry of an error log file: the fields of its JSON object.
public protocol ErrorLogEntry: Sendable {
    /// The file's name in a data directory or query folder.
    static var fileName: String { get }
    var jsonFields: [String: Any] { get }
}

extension SkippedRecord: ErrorLogEntry {
    public static let fileName = "bad-records.jsonl"

    public var jsonFields: [String: Any] {
        ["source": source, "position": position, "reason": reason, "raw": rawText, "time": time]
    }
}

extension LateRow: ErrorLogEntry {
    public static let fileName = "late-rows.jsonl"

    public var jsonFields: [String: Any] {
        var fields: [String: Any] = ["source": source, "operator": operatorName, "row": rowJSON, "time": time]
        fields["event_time"] = eventTime
        fields["watermark"] = watermark
        fields["window_start"] = windowStart
        fields["window_end"] = windowEnd
        return fields
    }
}

/// A file of the error log, one JSON object per line: `bad-records.jsonl` holds the records
/// that could not be read (`source`, `position`, `raw`, `reason`, `time` in epoch milliseconds),
/// `late-rows.jsonl` the rows dropped as late (`source`, `operator`, `row`, `event_time`,
/// `watermark`, `window_start`, `window_end`, `time`); each line also has `query` and, for
/// entries a checkpoint committed, `checkpoint`. A file holds at most `maxEntries` lines: when
/// appending goes past it, the oldest lines are dropped and counted as trimmed.
///
/// `rivulet run` keeps its files in the data directory, the server a pair per query in the
/// query's folder; `ErrorLogConnector` reads them all as the `rivulet_errors` and
/// `rivulet_late_rows` tables.
public struct ErrorLogFile {
    /// The bound when `SET 'errors.max-entries'` gives none.
    public static let defaultMaxEntries = 10_000

    public let url: URL
    public var maxEntries: Int
    /// Lines dropped to keep the bound, by this instance.
    public private(set) var trimmed = 0
    /// Lines in the file, counted when first needed.
    private var lines: Int?

    public init(url: URL, maxEntries: Int = ErrorLogFile.defaultMaxEntries) {
        self.url = url
        self.maxEntries = max(1, maxEntries)
    }

    /// One line of the file.
    public static func line(_ entry: some ErrorLogEntry, query: String?, checkpoint: Int64? = nil) throws -> Data {
        var object = entry.jsonFields
        if let query { object["query"] = query }
        if let checkpoint { object["checkpoint"] = checkpoint }
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Appends records, then trims the oldest lines beyond the bound.
    public mutating func append(_ entries: [some ErrorLogEntry], query: String?, checkpoint: Int64? = nil) throws {
        guard !entries.isEmpty else { return }
        var data = Data()
        for entry in entries { data.append(try Self.line(entry, query: query, checkpoint: checkpoint)) }
        let manager = FileManager.default
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if lines == nil { lines = Self.readLines(url).count }
        if !manager.fileExists(atPath: url.path) { manager.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
        lines! += entries.count
        if lines! > maxEntries { try trim() }
    }

    /// Rewrites the file with only its newest `maxEntries` lines.
    private mutating func trim() throws {
        let all = Self.readLines(url)
        let dropped = max(0, all.count - maxEntries)
        try rewrite(Array(all.suffix(maxEntries)))
        trimmed += dropped
    }

    /// Replaces the file's lines (atomically).
    public mutating func rewrite(_ kept: [Substring]) throws {
        try (kept.map { $0 + "\n" }.joined()).write(to: url, atomically: true, encoding: .utf8)
        lines = kept.count
    }

    public static func readLines(_ url: URL) -> [Substring] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n")
    }
}
