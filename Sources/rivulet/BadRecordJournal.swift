import Foundation
import RivuletEngine
import RivuletRuntime
import Synchronization

/// `bad-records.jsonl` in the data directory (an `ErrorLogFile`, which `SELECT * FROM
/// rivulet_errors` reads): one JSON object per record that could not be read (query,
/// checkpoint, source, position, raw text, reason, time), at most `maxEntries` of them.
///
/// A checkpointed query appends its records as each checkpoint becomes durable, tagged with the
/// checkpoint; when a restarted query resumes from checkpoint n, the lines it tagged with later
/// checkpoints are dropped, since it reads that input again. So the file neither repeats nor
/// loses records across crashes. Records of queries that run without checkpoints are appended
/// at the end of the run. Records the in-memory log trimmed are only counted.
final class BadRecordJournal: Sendable {
    let url: URL
    private let log: BadRecordLog
    /// Records of the log already written, and the file.
    private let state: Mutex<(written: Int, file: ErrorLogFile)>

    init(dataDirectory: String, log: BadRecordLog, maxEntries: Int) {
        url = URL(fileURLWithPath: dataDirectory).appendingPathComponent(ErrorLogFile.fileName)
        self.log = log
        state = Mutex((0, ErrorLogFile(url: url, maxEntries: maxEntries)))
    }

    /// Lines dropped from the file to keep it within its bound.
    var trimmed: Int { state.withLock { $0.file.trimmed } }

    /// Appends the records counted since the last call.
    func appendNew(query: String?, checkpoint: Int64? = nil) throws {
        try state.withLock { state in
            let total = log.count
            guard total > state.written else { return }
            let new = Array(log.entries.suffix(total - state.written))
            state.written = total
            try state.file.append(new, query: query, checkpoint: checkpoint)
        }
    }

    /// Drops the lines `query` tagged with a checkpoint after `checkpoint` (all of its tagged
    /// lines when nil).
    func forget(query: String, after checkpoint: Int64?) throws {
        let lines = ErrorLogFile.readLines(url)
        let kept = lines.filter { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["query"] as? String == query, let tagged = (object["checkpoint"] as? NSNumber)?.int64Value
            else { return true }
            return checkpoint.map { tagged <= $0 } ?? false
        }
        guard kept.count != lines.count else { return }
        try state.withLock { try $0.file.rewrite(kept) }
    }
}
