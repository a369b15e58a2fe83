#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import RivuletCore

/// A file replaced whole and atomically: written to a temporary file, fsynced, renamed into
/// place and its folder fsynced, so a crash leaves the old contents or the new, never a torn
/// file. Framed as a magic header, the payload and an FNV-1a checksum of the payload, so a
/// damaged file is reported rather than read.
public enum DurableFile {
    /// Writes `payload` framed with `magic` to `path`.
    public static func write(_ payload: [UInt8], to path: String, magic: [UInt8]) throws {
        var bytes = magic
        bytes.reserveCapacity(magic.count + payload.count + 8)
        bytes.append(contentsOf: payload)
        var sum = checksum(payload)
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: sum))
            sum >>= 8
        }
        try writeAtomically(bytes, to: path)
    }

    /// The payload of the file at `path`, or nil when there is no such file.
    public static func read(_ path: String, magic: [UInt8]) throws -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count >= magic.count + 8, Array(bytes[0..<magic.count]) == magic else {
            throw StateReader.corrupt("a file without its header in '\(path)'")
        }
        let payload = Array(bytes[magic.count..<(bytes.count - 8)])
        var stored: UInt64 = 0
        for i in 0..<8 { stored |= UInt64(bytes[bytes.count - 8 + i]) << UInt64(8 * i) }
        guard stored == checksum(payload) else {
            throw StateReader.corrupt("a checksum mismatch in '\(path)'")
        }
        return payload
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
        SQLError(.ioError, "\(what) '\(path)': \(String(cString: strerror(errno)))")
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
