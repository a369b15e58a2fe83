#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RivuletCore

/// Cold state of one operator on disk: values appended to a scratch file, with an index from
/// key to where its value lies. `take` reads a value back and forgets it (the caller holds it
/// in memory again). The file is unlinked as soon as it is created, so it vanishes with the
/// process: checkpoints, not the spill file, make state durable. Space of values taken back is
/// reused once half the file is garbage, by rewriting the live values into a fresh file.
final class SpillFile {
    private let directory: String
    private var descriptor: Int32
    private var index: [[UInt8]: (offset: Int64, length: Int)] = [:]
    private var end: Int64 = 0
    private var garbage: Int64 = 0

    init(directory: String) throws(SQLError) {
        self.directory = directory
        descriptor = try Self.open(in: directory)
    }

    deinit { close(descriptor) }

    /// Values held on disk.
    var count: Int { index.count }

    /// Appends `value` under `key` (a key not held yet).
    func put(_ key: [UInt8], _ value: [UInt8]) throws(SQLError) {
        try write(value, at: end, to: descriptor)
        index[key] = (end, value.count)
        end += Int64(value.count)
    }

    /// The value held under `key`, removed from the file's index; nil when there is none.
    func take(_ key: [UInt8]) throws(SQLError) -> [UInt8]? {
        guard let place = index.removeValue(forKey: key) else { return nil }
        let value = try read(place)
        garbage += Int64(place.length)
        if garbage > 1 << 20, garbage * 2 > end { try compact() }
        return value
    }

    /// Every key and value held, one at a time, in no particular order (for checkpoints: the
    /// values are read as they are written out, never all at once).
    func forEach(_ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Void) throws {
        for (key, place) in index { try body(key, try read(place)) }
    }

    private func read(_ place: (offset: Int64, length: Int)) throws(SQLError) -> [UInt8] {
        var value = [UInt8](repeating: 0, count: place.length)
        var done = 0
        while done < place.length {
            let n = value.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, place.length - done, off_t(place.offset) + off_t(done))
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw Self.failure("cannot read the spill file") }
            done += n
        }
        return value
    }

    private func write(_ value: [UInt8], at offset: Int64, to fd: Int32) throws(SQLError) {
        var done = 0
        while done < value.count {
            let n = value.withUnsafeBytes { buffer in pwrite(fd, buffer.baseAddress! + done, value.count - done, off_t(offset) + off_t(done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw Self.failure("cannot write the spill file in '\(directory)'") }
            done += n
        }
    }

    private func compact() throws(SQLError) {
        let fresh = try Self.open(in: directory)
        var offset: Int64 = 0
        var moved: [[UInt8]: (offset: Int64, length: Int)] = [:]
        moved.reserveCapacity(index.count)
        for (key, place) in index {
            let value = try read(place)
            try write(value, at: offset, to: fresh)
            moved[key] = (offset, value.count)
            offset += Int64(value.count)
        }
        close(descriptor)
        descriptor = fresh
        index = moved
        end = offset
        garbage = 0
    }

    private static func open(in directory: String) throws(SQLError) -> Int32 {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw failure("cannot create the spill folder '\(directory)'")
        }
        let path = directory + "/spill-\(UUID().uuidString.lowercased())"
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw failure("cannot create a spill file in '\(directory)'") }
        unlink(path)
        return fd
    }

    private static func failure(_ what: String) -> SQLError {
        SQLError(.ioError, "\(what): \(String(cString: strerror(errno)))")
    }
}
