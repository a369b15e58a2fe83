import Foundation

/// The statements that define the server's catalog, kept in `catalog.jsonl` in the data
/// directory so that a restart brings back every stream, table, view and persistent query.
/// Accepted statements are appended (and synced) one JSON object per line; DROP rewrites the
/// file without what it removed, TERMINATE marks its queries, and a query that fails is marked
/// with its error. Rows inserted into embedded
/// streams are not here: they live in each stream's own file, so the log grows only with
/// definitions.
final class CatalogLog {
    struct Entry: Codable, Hashable, Sendable {
        enum Kind: String, Codable, Sendable {
            /// CREATE STREAM / TABLE / VIEW.
            case definition
            /// INSERT INTO an embedded stream VALUES ..., as logs of earlier versions kept them; a
            /// restart moves them into the stream's file and out of the log.
            case rows
            /// INSERT INTO ... SELECT or CREATE ... AS SELECT.
            case query
            /// CREATE SOURCE CONNECTOR; DROP CONNECTOR removes it.
            case connector
            /// DROP or TERMINATE, in a cluster's catalog topic: the topic only appends, so what
            /// this file rewrites away is a record of its own there.
            case removal
        }

        var kind: Kind
        var sql: String
        /// The relation defined, written or (for a query) written into; lower-cased.
        var relation: String
        /// The query's id.
        var query: String?
        /// A terminated query does not run again; a terminated CREATE ... AS SELECT still
        /// defines its relation.
        var terminated: Bool?
        /// The error a failed query stopped with; it does not run again, and stays listed as
        /// FAILED with this error until its relation is dropped.
        var failed: String?
        /// The session's SET options the statement ran with.
        var settings: [String: String]?
        /// The connector a CREATE SOURCE CONNECTOR made; lower-cased.
        var connector: String?
    }

    let url: URL
    private(set) var entries: [Entry] = []

    /// Opens (creating the directory) and reads the log; a line that does not decode is an error,
    /// so a damaged catalog is never silently half-loaded.
    init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        url = directory.appendingPathComponent("catalog.jsonl")
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        for (number, line) in text.split(separator: "\n").enumerated() where !line.isEmpty {
            do {
                entries.append(try decoder.decode(Entry.self, from: Data(line.utf8)))
            } catch {
                throw CatalogLogError(message: "\(url.path):\(number + 1): not a catalog entry: \(error)")
            }
        }
    }

    func append(_ entry: Entry) throws {
        entries.append(entry)
        let handle = try FileHandle(forWritingTo: ensureFile())
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Self.line(entry))
        try handle.synchronize()
    }

    /// Keeps only the entries `keep` accepts, rewriting the file atomically.
    func retain(where keep: (Entry) -> Bool) throws {
        let kept = entries.filter(keep)
        guard kept.count != entries.count else { return }
        try replace(with: kept)
    }

    /// Changes entries in place, rewriting the file atomically.
    func update(_ change: (inout Entry) -> Void) throws {
        var changed = entries
        for index in changed.indices { change(&changed[index]) }
        guard changed != entries else { return }
        try replace(with: changed)
    }

    private func replace(with kept: [Entry]) throws {
        var data = Data()
        for entry in kept { data.append(try Self.line(entry)) }
        try data.write(to: url, options: .atomic)
        entries = kept
    }

    private func ensureFile() throws -> URL {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CatalogLogError(message: "cannot create \(url.path)")
            }
        }
        return url
    }

    /// One entry as stored: a JSON object and a newline (the cluster's catalog topic holds the same bytes).
    static func line(_ entry: Entry) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(entry)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}

struct CatalogLogError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
