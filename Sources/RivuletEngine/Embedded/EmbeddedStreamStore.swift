public import Foundation
public import RivuletCore
import Synchronization

/// Rows of embedded streams (declared without a connector), appended by `INSERT ... VALUES`
/// and by queries writing into them, kept in arrival order.
///
/// A durable store (a server's) also keeps each stream's inserted rows in a file of its own
/// (`EmbeddedStreamFile`) and reads them back when it opens. Rows that queries append are kept
/// in memory only: after a restart those queries run again and write them again.
public final class EmbeddedStreamStore: Sendable {
    private struct State {
        var streams: [String: [RowBatch]] = [:]
        /// Where inserted rows are kept; nil: in memory only.
        var directory: URL?
    }

    private let state = Mutex(State())

    public init() {}

    /// Keeps inserted rows in files under `directory` from now on, after loading the rows of the
    /// files already there. Returns the names (lower-cased) of the streams that had rows.
    @discardableResult
    public func makeDurable(in directory: URL) throws -> Set<String> {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var loaded: [String: [RowBatch]] = [:]
        for fileName in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            guard let stream = EmbeddedStreamFile.stream(ofFileName: fileName) else { continue }
            loaded[stream] = try EmbeddedStreamFile(directory: directory, stream: stream).read()
        }
        state.withLock { state in
            state.directory = directory
            for (stream, batches) in loaded { state.streams[stream, default: []].insert(contentsOf: batches, at: 0) }
        }
        return Set(loaded.keys)
    }

    /// Appends rows a query wrote (in memory only).
    public func append(_ batch: RowBatch, to stream: String) {
        guard batch.count > 0 else { return }
        state.withLock { $0.streams[stream.lowercased(), default: []].append(batch) }
    }

    /// Appends the rows of an `INSERT ... VALUES`; a durable store has them on disk before this
    /// returns, and throws (appending nothing) when it cannot write them.
    public func insert(_ batch: RowBatch, into stream: String) throws(SQLError) {
        guard batch.count > 0 else { return }
        try state.withLock { state throws(SQLError) in
            if let directory = state.directory {
                let file = EmbeddedStreamFile(directory: directory, stream: stream)
                do {
                    try file.append(batch)
                } catch {
                    throw SQLError(.ioError, "cannot write the rows of '\(stream)' to \(file.url.path): \(error)")
                }
            }
            state.streams[stream.lowercased(), default: []].append(batch)
        }
    }

    /// Forgets every stream not named in `streams` (lower-cased), with its file: what a crash
    /// between dropping a stream and forgetting its rows left behind.
    public func retain(_ streams: Set<String>) {
        let removed = state.withLock { state -> [String] in
            let removed = state.streams.keys.filter { !streams.contains($0) }
            for name in removed { state.streams[name] = nil }
            return state.directory == nil ? [] : removed
        }
        for name in removed { drop(name) }
    }

    /// Everything appended so far.
    public func snapshot(of stream: String) -> [RowBatch] {
        state.withLock { $0.streams[stream.lowercased()] ?? [] }
    }

    /// The batches appended after the first `index` ones (empty when there are none yet).
    public func batches(of stream: String, from index: Int) -> [RowBatch] {
        state.withLock { state in
            guard let batches = state.streams[stream.lowercased()], index < batches.count else { return [] }
            return Array(batches[index...])
        }
    }

    public func rowCount(of stream: String) -> Int {
        snapshot(of: stream).reduce(0) { $0 + $1.count }
    }

    /// Forgets the stream's rows, and removes its file.
    public func drop(_ stream: String) {
        let directory = state.withLock { state in
            state.streams[stream.lowercased()] = nil
            return state.directory
        }
        if let directory { EmbeddedStreamFile(directory: directory, stream: stream).remove() }
    }
}
