import Foundation
import RivuletRuntime
import Synchronization

/// `bad-records.jsonl` in the data directory: one JSON object per record that could not be read
/// (query, checkpoint, source, position, raw text, reason).
///
/// A checkpointed query appends its records as each checkpoint becomes durable, tagged with the
/// checkpoint; when a restarted query resumes from checkpoint n, the lines it tagged with later
/// checkpoints are dropped, since it reads that input again. So the file neither repeats nor
/// loses records across crashes. Records of queries that run without checkpoints are appended
/// at the end of the run. Records the in-memory log trimmed are only counted.
final class BadRecordJournal: Sendable {
    let url: URL
    private let log: BadRecordLog
    /// Records of the log already written.
    private let written = Mutex(0)

    init(dataDirectory: String, log: BadRecordLog) {
        url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("bad-records.jsonl")
        self.log = log
    }

    /// Appends the records counted since the last call.
    func appendNew(query: String?, checkpoint: Int64? = nil) throws {
        let entries = written.withLock { written -> [BadRecordLog.Entry] in
            let total = log.count
            guard total > written else { return [] }
            let new = log.entries.suffix(total - written)
            written = total
            return Array(new)
        }
        guard !entries.isEmpty else { return }
        var data = Data()
        for entry in entries {
            var object: [String: Any] = ["source": entry.source, "position": entry.position, "reason": entry.reason, "raw": entry.rawText]
            if let query { object["query"] = query }
            if let checkpoint { object["checkpoint"] = checkpoint }
            data.append(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
            data.append(UInt8(ascii: "\n"))
        }
        let manager = FileManager.default
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !manager.fileExists(atPath: url.path) { manager.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }

    /// Drops the lines `query` tagged with a checkpoint after `checkpoint` (all of its tagged
    /// lines when nil).
    func forget(query: String, after checkpoint: Int64?) throws {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return }
        let lines = text.split(separator: "\n")
        let kept = lines.filter { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["query"] as? String == query, let tagged = (object["checkpoint"] as? NSNumber)?.int64Value
            else { return true }
            return checkpoint.map { tagged <= $0 } ?? false
        }
        guard kept.count != lines.count else { return }
        try (kept.map { $0 + "\n" }.joined()).write(to: url, atomically: true, encoding: .utf8)
    }
}
