#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import RivuletCore

/// One query's checkpoints on disk: `<data-dir>/queries/<query id>/checkpoint-<n>`.
///
/// Each checkpoint is written whole to a temporary file, fsynced, renamed into place and the
/// folder fsynced, so a crash leaves either the old set of checkpoints or the new one, never a
/// torn file. A file is a magic header, the payload and an FNV-1a checksum of the payload.
/// The folder also holds `instance`, a random token created with it, that sinks store with
/// their checkpoint marks.
public final class CheckpointStore {
    public let queryId: String
    public let directory: String
    public let instance: String

    private static let magic = Array("RIVCKPT1".utf8)

    public init(dataDirectory: String, queryId: String) throws {
        self.queryId = queryId
        directory = dataDirectory + "/queries/" + queryId
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
            try Self.writeAtomically(Array(token.utf8), to: tokenPath)
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

    public func read(_ id: Int64) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(of: id)) else {
            throw SQLError(.ioError, "cannot read checkpoint '\(path(of: id))'")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= Self.magic.count + 8, Array(bytes[0..<Self.magic.count]) == Self.magic else {
            throw StateReader.corrupt("a checkpoint file without its header in '\(path(of: id))'")
        }
        let payload = Array(bytes[Self.magic.count..<(bytes.count - 8)])
        var stored: UInt64 = 0
        for i in 0..<8 { stored |= UInt64(bytes[bytes.count - 8 + i]) << UInt64(8 * i) }
        guard stored == Self.checksum(payload) else {
            throw StateReader.corrupt("a checksum mismatch in '\(path(of: id))'")
        }
        return payload
    }

    public func write(_ id: Int64, payload: [UInt8]) throws {
        var bytes = Self.magic
        bytes.reserveCapacity(payload.count + 16)
        bytes.append(contentsOf: payload)
        var sum = Self.checksum(payload)
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: sum))
            sum >>= 8
        }
        try Self.writeAtomically(bytes, to: path(of: id))
    }

    /// Removes every checkpoint but `keep`.
    public func remove(except keep: Set<Int64>) {
        for id in checkpointIds() where !keep.contains(id) { unlink(path(of: id)) }
    }

    /// Writes `bytes` to `path` through a temporary file, fsync and rename.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ioError("cannot create", temporary) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { all in Glibc.write(fd, all.baseAddress! + written, all.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let error = ioError("cannot write", temporary)
                close(fd)
                throw error
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let error = ioError("cannot sync", temporary)
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw ioError("cannot rename into place", path) }
        let folder = (path as NSString).deletingLastPathComponent
        let dirFD = open(folder, O_RDONLY)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    private static func ioError(_ what: String, _ path: String) -> SQLError {
        SQLError(.ioError, "checkpoint: \(what) '\(path)': \(String(cString: strerror(errno)))")
    }

    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
