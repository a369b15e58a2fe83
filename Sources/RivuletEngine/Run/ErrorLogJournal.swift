public import Foundation
import RivuletRuntime

/// Where a run keeps the records it could not read: an `ErrorLogFile` (which `SELECT * FROM
/// rivulet_errors` reads), each line tagged with `query`.
public struct ErrorLogDestination: Sendable {
    public var url: URL
    public var query: String
    public var maxEntries: Int

    /// Lines tagged `query` in the file at `url`, at most `maxEntries` of them.
    public static func file(_ url: URL, query: String, maxEntries: Int) -> ErrorLogDestination {
        ErrorLogDestination(url: url, query: query, maxEntries: maxEntries)
    }
}

/// Moves a run's bad records from its in-memory log to its error log file.
///
/// A checkpointed run appends its records as each checkpoint becomes durable, tagged with the
/// checkpoint; when a restarted run resumes from checkpoint n, the lines it tagged with later
/// checkpoints are dropped, since it reads that input again. So the file neither repeats nor
/// loses records across crashes. A run without checkpoints appends as it goes. Records the
/// in-memory log already trimmed are only counted.
final class ErrorLogJournal {
    private var file: ErrorLogFile
    private let query: String
    private let log: BadRecordLog
    /// Records of the log already written (a log shared by several runs has earlier ones).
    private var written: Int

    init(_ destination: ErrorLogDestination, log: BadRecordLog) {
        file = ErrorLogFile(url: destination.url, maxEntries: destination.maxEntries)
        query = destination.query
        self.log = log
        written = log.count
    }

    var url: URL { file.url }
    /// Lines dropped from the file to keep it within its bound.
    var trimmed: Int { file.trimmed }

    /// Appends the records counted since the last call.
    func appendNew(checkpoint: Int64? = nil) throws {
        let total = log.count
        guard total > written else { return }
        let new = Array(log.entries.suffix(total - written))
        written = total
        try file.append(new, query: query, checkpoint: checkpoint)
    }

    /// Drops the lines this query tagged with a checkpoint after `checkpoint` (all of its tagged
    /// lines when nil).
    func forget(after checkpoint: Int64?) throws {
        let lines = ErrorLogFile.readLines(file.url)
        let kept = lines.filter { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["query"] as? String == query, let tagged = (object["checkpoint"] as? NSNumber)?.int64Value
            else { return true }
            return checkpoint.map { tagged <= $0 } ?? false
        }
        guard kept.count != lines.count else { return }
        try file.rewrite(kept)
    }
}
