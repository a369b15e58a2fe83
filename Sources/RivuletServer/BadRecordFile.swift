import Foundation
import RivuletRuntime

/// Appends a query's bad records, as they are counted, to `bad-records.jsonl` in its folder
/// `<data-dir>/queries/server-<id>/`: one JSON object per record with its source, position,
/// reason and raw text, so that skipped input can be read back and fixed.
struct BadRecordFile {
    let url: URL
    /// Records of the log already written.
    private var written = 0

    init(dataDirectory: String, queryId: String) {
        url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("queries")
            .appendingPathComponent(CheckpointPolicy.directoryName(of: queryId)).appendingPathComponent("bad-records.jsonl")
    }

    /// Writes the records counted since the last call (those the log has already trimmed are
    /// only counted).
    mutating func append(from log: BadRecordLog) throws {
        let total = log.count
        guard total > written else { return }
        let entries = log.entries.suffix(total - written)
        written = total
        var data = Data()
        for entry in entries {
            let object = ["source": entry.source, "position": entry.position, "reason": entry.reason, "raw": entry.rawText]
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
}
