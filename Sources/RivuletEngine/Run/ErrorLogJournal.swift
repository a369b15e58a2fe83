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
/// loses records across crashes. A run without checkpoints appends as it goes.
///
/// The in-memory log is bounded, so the run drains it after every step (`collect`) into a
/// pending list holding at most the file's `maxEntries` newest records: however many bad records
/// come between two checkpoints, the file gets as many as it can hold. Records dropped from the
/// pending list, or trimmed by the log before they were collected, are counted as trimmed.
final class ErrorLogJournal {
    private var file: ErrorLogFile
    private let query: String
    private let log: BadRecordLog
    /// Records of the log already collected (a log shared by several runs has earlier ones).
    private var collected: Int
    /// Records collected but not yet in the file, oldest first, from `pendingStart` on.
    private var pending: [BadRecordLog.Entry] = []
    private var pendingStart = 0
    /// Records never written: dropped from `pending` or trimmed by the log before collection.
    private var dropped = 0

    init(_ destination: ErrorLogDestination, log: BadRecordLog) {
        file = ErrorLogFile(url: destination.url, maxEntries: destination.maxEntries)
        query = destination.query
        self.log = log
        collected = log.count
    }

    var url: URL { file.url }
    /// Records left out of the file to keep it within its bound.
    var trimmed: Int { file.trimmed + dropped }

    /// Takes the records counted since the last call into the pending list.
    func collect() {
        let total = log.count
        guard total > collected else { return }
        let new = log.newest(total - collected)
        dropped += total - collected - new.count
        collected = total
        pending.append(contentsOf: new)
        let excess = pending.count - pendingStart - file.maxEntries
        if excess > 0 {
            pendingStart += excess
            dropped += excess
        }
        if pendingStart > file.maxEntries {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
    }

    /// Appends the records counted since the last write.
    func appendNew(checkpoint: Int64? = nil) throws {
        collect()
        guard pending.count > pendingStart else { return }
        let new = Array(pending[pendingStart...])
        pending = []
        pendingStart = 0
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
