public import Foundation
import RivuletRuntime

/// Where a run keeps the records it could not read and the rows it dropped as late: the
/// `ErrorLogFile`s of a folder (which `rivulet_errors` and `rivulet_late_rows` read), each line
/// tagged with `query`.
public struct ErrorLogDestination: Sendable {
    public var folder: URL
    public var query: String
    public var maxEntries: Int

    /// Lines tagged `query` in the files of `folder`, at most `maxEntries` in each.
    public static func folder(_ folder: URL, query: String, maxEntries: Int) -> ErrorLogDestination {
        ErrorLogDestination(folder: folder, query: query, maxEntries: maxEntries)
    }
}

/// Moves a run's bad records (or late rows) from its in-memory log to its error log file.
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
final class ErrorLogJournal<Entry: ErrorLogEntry> {
    private var file: ErrorLogFile
    let query: String
    private let log: BoundedLog<Entry>
    /// Records of the log already collected (a log shared by several runs has earlier ones).
    private var collected: Int
    /// Records collected but not yet in the file, oldest first, from `pendingStart` on.
    private var pending: [Entry] = []
    private var pendingStart = 0
    /// Records never written: dropped from `pending` or trimmed by the log before collection.
    private var dropped = 0

    /// Entries written besides the file (a late-row sink), as they are written.
    var forward: ((_ entries: [Entry], _ checkpoint: Int64?) throws -> Void)?

    init(_ destination: ErrorLogDestination, log: BoundedLog<Entry>) {
        file = ErrorLogFile(url: destination.folder.appendingPathComponent(Entry.fileName), maxEntries: destination.maxEntries)
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
        try forward?(new, checkpoint)
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
