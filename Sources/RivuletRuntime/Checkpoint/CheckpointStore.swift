#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import RivuletCore

/// One query's checkpoints on disk: `<data-dir>/queries/<query id>/checkpoint-<n>`.
///
/// Each checkpoint is a `DurableFile`, so a crash leaves either the old set of checkpoints or
/// the new one, never a torn file.
/// The folder also holds `instance`, a random token created with it, that sinks store with
/// their checkpoint marks.
public final class CheckpointStore {
    public let queryId: String
    public let directory: String
    public let instance: String

    private static let magic = Array("RIVCKPT1".utf8)

    /// The folder of query `queryId`'s checkpoints, where sinks may keep files beside them.
    public static func directory(dataDirectory: String, queryId: String) -> String {
        dataDirectory + "/queries/" + queryId
    }

    public init(dataDirectory: String, queryId: String) throws {
        self.queryId = queryId
        directory = Self.directory(dataDirectory: dataDirectory, queryId: queryId)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SQLError(.ioError, "cannot create checkpoint folder '\(directory)': \(error.localizedDescription)")
        }
        let tokenPath = directory + "/instance"
        if let token = try? String(contentsOfFile: tokenPath, encoding: .utf8), !token.isEmpty {
            instance = token.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            let token = UUID().uuidString.lowercased()
            try DurableFile.writeAtomically(Array(token.utf8), to: tokenPath)
            instance = token
        }
    }

    /// The ids of the checkpoints present, ascending.
    public func checkpointIds() -> [Int64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> Int64? in
            guard name.hasPrefix("checkpoint-") else { return nil }
            return Int64(name.dropFirst("checkpoint-".count))
        }.sorted()
    }

    public func path(of id: Int64) -> String { directory + "/checkpoint-\(id)" }

    /// Checkpoint `id`, read a chunk at a time as its state is restored.
    public func reader(_ id: Int64) throws -> StateReader {
        guard let reader = try DurableFile.reader(path(of: id), magic: Self.magic) else {
            throw SQLError(.ioError, "cannot read checkpoint '\(path(of: id))'")
        }
        return reader
    }

    public func write(_ id: Int64, payload: [UInt8]) throws {
        try DurableFile.write(payload, to: path(of: id), magic: Self.magic)
    }

    /// A checkpoint written as it is taken, in place once committed.
    public func begin(_ id: Int64) throws -> DurableFile.Writer {
        try DurableFile.Writer(path: path(of: id), magic: Self.magic)
    }

    /// Removes every checkpoint but `keep`.
    public func remove(except keep: Set<Int64>) {
        for id in checkpointIds() where !keep.contains(id) { unlink(path(of: id)) }
    }
}
