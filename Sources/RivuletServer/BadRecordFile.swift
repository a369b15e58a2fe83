import Foundation
import RivuletEngine
import RivuletRuntime

/// Appends a query's bad records, as they are counted, to `bad-records.jsonl` in its folder
/// `<data-dir>/queries/server-<id>/` (an `ErrorLogFile`, read by `SELECT * FROM
/// rivulet_errors`): one JSON object per record with its query, source, position, reason, raw
/// text and time, at most `maxEntries` of them, the oldest trimmed first.
struct BadRecordFile {
    private var file: ErrorLogFile
    private let queryId: String
    /// Records of the log already written.
    private var written = 0

    init(dataDirectory: String, queryId: String, maxEntries: Int) {
        let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("queries")
            .appendingPathComponent(CheckpointPolicy.directoryName(of: queryId)).appendingPathComponent(ErrorLogFile.fileName)
        file = ErrorLogFile(url: url, maxEntries: maxEntries)
        self.queryId = queryId
    }

    var url: URL { file.url }
    /// Lines dropped to keep the file within its bound.
    var trimmed: Int { file.trimmed }

    /// Writes the records counted since the last call (those the log has already trimmed are
    /// only counted).
    mutating func append(from log: BadRecordLog) throws {
        let total = log.count
        guard total > written else { return }
        let entries = Array(log.entries.suffix(total - written))
        written = total
        try file.append(entries, query: queryId)
    }
}
