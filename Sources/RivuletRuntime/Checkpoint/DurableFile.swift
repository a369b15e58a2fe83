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
        let file = try Writer(path: path, magic: magic)
        file.write(payload)
        try file.commit()
    }

    /// A file written a chunk at a time (a checkpoint streamed from its operators): into a
    /// temporary file until `commit` frames it and moves it into place; dropped unless committed.
    public final class Writer: StateOutput {
        private let path: String
        private let temporary: String
        private var fd: Int32
        private var sum: UInt64 = DurableFile.checksumSeed
        private var failure: SQLError?

        public init(path: String, magic: [UInt8]) throws {
            self.path = path
            temporary = path + ".tmp"
            fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw DurableFile.ioError("cannot create", temporary) }
            writeRaw(magic)
        }

        deinit {
            if fd >= 0 {
                close(fd)
                unlink(temporary)
            }
        }

        /// Appends payload bytes; a failure is reported by `commit`.
        public func write(_ chunk: [UInt8]) {
            sum = DurableFile.checksum(chunk, from: sum)
            writeRaw(chunk)
        }

        private func writeRaw(_ bytes: [UInt8]) {
            guard failure == nil else { return }
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { all in Glibc.write(fd, all.baseAddress! + written, all.count - written) }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = DurableFile.ioError("cannot write", temporary)
                    return
                }
                written += n
            }
        }

        /// Appends the checksum, syncs the file and renames it into place.
        public func commit() throws {
            var trailer: [UInt8] = []
            var value = sum
            for _ in 0..<8 {
                trailer.append(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
            writeRaw(trailer)
            if let failure { throw failure }
            guard fsync(fd) == 0 else { throw DurableFile.ioError("cannot sync", temporary) }
            close(fd)
            fd = -1
            try DurableFile.moveIntoPlace(temporary, path)
        }
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

    /// A reader of the payload of the file at `path` that reads it a chunk at a time, or nil
    /// when there is no such file. The checksum is checked first, in a pass of its own, so a
    /// damaged file is reported before any of it is restored.
    public static func reader(_ path: String, magic: [UInt8]) throws -> StateReader? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw ioError("cannot open", path)
        }
        let file = PayloadChunks(fd: fd, path: path)
        var size = stat()
        guard fstat(fd, &size) == 0 else { throw ioError("cannot read", path) }
        let payloadEnd = Int(size.st_size) - 8
        guard payloadEnd >= magic.count, try file.read(magic.count, at: 0) == magic else {
            throw StateReader.corrupt("a file without its header in '\(path)'")
        }
        var sum = checksumSeed
        file.seek(magic.count, end: payloadEnd)
        while let chunk = try file.next() { sum = checksum(chunk, from: sum) }
        let trailer = try file.read(8, at: payloadEnd)
        let stored = (0..<8).reduce(UInt64(0)) { $0 | UInt64(trailer[$1]) << UInt64(8 * $1) }
        guard stored == sum else { throw StateReader.corrupt("a checksum mismatch in '\(path)'") }
        file.seek(magic.count, end: payloadEnd)
        return StateReader(stream: file)
    }

    /// The payload of a framed file, a megabyte at a time; closes the file when dropped.
    private final class PayloadChunks: StateInputStream {
        static let chunkSize = 1 << 20
        private let fd: Int32
        private let path: String
        private var position = 0
        private var end = 0

        init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
        }

        deinit { close(fd) }

        func seek(_ position: Int, end: Int) {
            self.position = position
            self.end = end
        }

        var pendingBytes: Int { end - position }

        func next() throws(SQLError) -> [UInt8]? {
            guard position < end else { return nil }
            let count = min(Self.chunkSize, end - position)
            defer { position += count }
            return try read(count, at: position)
        }

        func read(_ count: Int, at offset: Int) throws(SQLError) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let n = bytes.withUnsafeMutableBytes { buffer in pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done)) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw n == 0 ? StateReader.corrupt("a file cut short: '\(path)'") : DurableFile.ioError("cannot read", path) }
                done += n
            }
            return bytes
        }
    }

    /// Renames `temporary` to `path` and syncs their folder.
    static func moveIntoPlace(_ temporary: String, _ path: String) throws {
        guard rename(temporary, path) == 0 else { throw ioError("cannot rename into place", path) }
        let folder = (path as NSString).deletingLastPathComponent
        let dirFD = open(folder, O_RDONLY)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
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
        try moveIntoPlace(temporary, path)
    }

    fileprivate static func ioError(_ what: String, _ path: String) -> SQLError {
        SQLError(.ioError, "\(what) '\(path)': \(String(cString: strerror(errno)))")
    }

    static let checksumSeed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a of `bytes`, continued from `hash` (the checksum of what came before them).
    static func checksum(_ bytes: [UInt8], from hash: UInt64 = checksumSeed) -> UInt64 {
        var hash = hash
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
