#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RivuletCore

/// Cold state of one operator on disk: each key with its value appended to a scratch file, and
/// an index from key to record kept on disk too — a hash table of fixed-size slots in a second
/// file — so that memory does not grow with the number of keys spilled. `take` reads a value
/// back and forgets it (the caller holds it in memory again).
///
/// Both files are unlinked as soon as they are created, so they vanish with the process:
/// checkpoints, not spill files, make state durable. Space of records taken back is reused once
/// half the data file is garbage, by copying the live records into a fresh file.
final class SpillFile {
    private let directory: String
    private var data: Int32
    private var slots: SlotTable
    private var end: Int64 = 0
    private var garbage: Int64 = 0

    init(directory: String) throws(SQLError) {
        self.directory = directory
        data = try Self.open(in: directory)
        slots = try SlotTable(descriptor: Self.open(in: directory), capacity: SlotTable.initialCapacity)
    }

    deinit {
        close(data)
        close(slots.descriptor)
    }

    /// Values held on disk.
    var count: Int { slots.live }

    /// Appends `value` under `key` (a key not held yet).
    func put(_ key: [UInt8], _ value: [UInt8]) throws(SQLError) {
        if (slots.live + slots.removed + 1) * 2 > slots.capacity { try resizeSlots() }
        var record = Record.header(keyLength: key.count, valueLength: value.count)
        record.append(contentsOf: key)
        record.append(contentsOf: value)
        try Self.write(record, at: end, to: data)
        try slots.insert(tag: SlotTable.tag(of: key), offset: end)
        end += Int64(record.count)
    }

    /// The value held under `key`, removed from the file; nil when there is none.
    func take(_ key: [UInt8]) throws(SQLError) -> [UInt8]? {
        var found: Record.Header?
        guard let (slot, offset) = try slots.find(tag: SlotTable.tag(of: key), where: { offset throws(SQLError) in
            found = try self.header(at: offset, ifKey: key)
            return found != nil
        }), let header = found else { return nil }
        let value = try Self.read(header.valueLength, at: offset + Int64(Record.headerSize + header.keyLength), from: data)
        try slots.remove(at: slot)
        garbage += Int64(Record.headerSize + header.keyLength + header.valueLength)
        if garbage > 1 << 20, garbage * 2 > end { try compact() }
        return value
    }

    /// Every key and value held, one at a time, in no particular order (for checkpoints: the
    /// values are read as they are written out, never all at once).
    func forEach(_ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Void) throws {
        try slots.forEachLive { _, offset in
            let (key, value) = try readRecord(at: offset)
            try body(key, value)
            return nil
        }
    }

    /// The header of the record at `offset` when the record is `key`'s (tags can collide).
    private func header(at offset: Int64, ifKey key: [UInt8]) throws(SQLError) -> Record.Header? {
        let header = try Record.Header(try Self.read(Record.headerSize, at: offset, from: data))
        guard header.keyLength == key.count else { return nil }
        return try Self.read(key.count, at: offset + Int64(Record.headerSize), from: data) == key ? header : nil
    }

    private func readRecord(at offset: Int64) throws(SQLError) -> (key: [UInt8], value: [UInt8]) {
        let header = try Record.Header(try Self.read(Record.headerSize, at: offset, from: data))
        let body = try Self.read(header.keyLength + header.valueLength, at: offset + Int64(Record.headerSize), from: data)
        return (Array(body[..<header.keyLength]), Array(body[header.keyLength...]))
    }

    /// A table twice as large as the live keys need when they are many; the same size, without
    /// the removed slots, when removals filled it.
    private func resizeSlots() throws(SQLError) {
        let capacity = max(SlotTable.initialCapacity, (slots.live + 1) * 4 > slots.capacity ? slots.capacity * 2 : slots.capacity)
        var fresh = try SlotTable(descriptor: Self.open(in: directory), capacity: capacity)
        do {
            try slots.forEachLive { tag, offset in
                try fresh.insert(tag: tag, offset: offset)
                return nil
            }
        } catch {
            close(fresh.descriptor)
            throw error
        }
        close(slots.descriptor)
        slots = fresh
    }

    /// Copies the live records into a fresh data file and points their slots at the copies.
    private func compact() throws(SQLError) {
        let fresh = try Self.open(in: directory)
        var offset: Int64 = 0
        do {
            try slots.forEachLive { _, old in
                let (key, value) = try readRecord(at: old)
                var record = Record.header(keyLength: key.count, valueLength: value.count)
                record.append(contentsOf: key)
                record.append(contentsOf: value)
                try Self.write(record, at: offset, to: fresh)
                let moved = offset
                offset += Int64(record.count)
                return moved
            }
        } catch {
            close(fresh)
            throw error
        }
        close(data)
        data = fresh
        end = offset
        garbage = 0
    }

    fileprivate static func read(_ count: Int, at offset: Int64, from fd: Int32) throws(SQLError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw failure("cannot read the spill file") }
            done += n
        }
        return bytes
    }

    fileprivate static func write(_ bytes: [UInt8], at offset: Int64, to fd: Int32) throws(SQLError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in pwrite(fd, buffer.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw failure("cannot write a spill file") }
            done += n
        }
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

    fileprivate static func failure(_ what: String) -> SQLError {
        SQLError(.ioError, "\(what): \(String(cString: strerror(errno)))")
    }
}

/// A record of the data file: key length and value length (4 bytes each, little-endian), the
/// key, the value.
private enum Record {
    static let headerSize = 8

    static func header(keyLength: Int, valueLength: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + keyLength + valueLength)
        for length in [keyLength, valueLength] {
            withUnsafeBytes(of: UInt32(length).littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    struct Header {
        var keyLength: Int
        var valueLength: Int

        init(_ bytes: [UInt8]) throws(SQLError) {
            guard bytes.count >= headerSize else { throw SQLError(.ioError, "a spill record is cut short") }
            func length(at start: Int) -> Int {
                Int((0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[start + $1]) << (8 * $1) })
            }
            keyLength = length(at: 0)
            valueLength = length(at: 4)
        }
    }
}

/// An open-addressing hash table on disk: `capacity` slots of 16 bytes (a tag from the key's
/// hash, then the record's offset in the data file), probed linearly and kept at most half full,
/// read a run of slots at a time. A tag of 0 marks an empty slot, 1 a removed one.
private struct SlotTable {
    static let initialCapacity = 1 << 12
    static let slotSize = 16
    private static let empty: UInt64 = 0
    private static let removedTag: UInt64 = 1
    /// Slots read at once while probing (one 4 KB page).
    private static let probeRun = 256

    let descriptor: Int32
    let capacity: Int
    private(set) var live = 0
    private(set) var removed = 0

    init(descriptor: Int32, capacity: Int) throws(SQLError) {
        self.descriptor = descriptor
        self.capacity = capacity
        // A sparse file of zeros: every slot empty.
        guard ftruncate(descriptor, off_t(capacity * Self.slotSize)) == 0 else {
            throw SpillFile.failure("cannot size a spill index")
        }
    }

    /// The key's tag: its hash (stable within the process, as the files are), never 0 or 1.
    static func tag(of key: [UInt8]) -> UInt64 {
        var hasher = Hasher()
        key.withUnsafeBytes { hasher.combine(bytes: $0) }
        let hash = UInt64(bitPattern: Int64(hasher.finalize()))
        return hash <= removedTag ? hash + 2 : hash
    }

    private func home(of tag: UInt64) -> Int { Int(tag % UInt64(capacity)) }

    /// Puts `offset` under `tag` in the first empty or removed slot from the tag's home.
    mutating func insert(tag: UInt64, offset: Int64) throws(SQLError) {
        var slot = home(of: tag)
        while true {
            let run = try readSlots(from: slot)
            for (i, entry) in run.enumerated() where entry.tag == Self.empty || entry.tag == Self.removedTag {
                if entry.tag == Self.removedTag { removed -= 1 }
                try writeSlot(slot + i, tag: tag, offset: offset)
                live += 1
                return
            }
            slot = (slot + run.count) % capacity
        }
    }

    /// The slot and offset under `tag` whose record `matches`; nil when an empty slot comes first.
    func find(tag: UInt64, where matches: (Int64) throws(SQLError) -> Bool) throws(SQLError) -> (slot: Int, offset: Int64)? {
        var slot = home(of: tag)
        while true {
            let run = try readSlots(from: slot)
            for (i, entry) in run.enumerated() {
                if entry.tag == Self.empty { return nil }
                if entry.tag == tag, try matches(entry.offset) { return (slot + i, entry.offset) }
            }
            slot = (slot + run.count) % capacity
        }
    }

    mutating func remove(at slot: Int) throws(SQLError) {
        try writeSlot(slot, tag: Self.removedTag, offset: 0)
        live -= 1
        removed += 1
    }

    /// Calls `body` with every live slot's tag and offset, in slot order; a non-nil result
    /// becomes the slot's new offset.
    func forEachLive(_ body: (_ tag: UInt64, _ offset: Int64) throws -> Int64?) throws(SQLError) {
        var slot = 0
        while slot < capacity {
            var run = try readSlots(from: slot)
            var moved = false
            for i in run.indices where run[i].tag > Self.removedTag {
                let replacement: Int64?
                do { replacement = try body(run[i].tag, run[i].offset) } catch let error as SQLError { throw error } catch {
                    throw SQLError(.ioError, "\(error)")
                }
                if let replacement {
                    run[i].offset = replacement
                    moved = true
                }
            }
            if moved { try writeSlots(run, from: slot) }
            slot += run.count
        }
    }

    /// The slots from `slot` up to the end of its run of `probeRun` (never past the table's end).
    private func readSlots(from slot: Int) throws(SQLError) -> [(tag: UInt64, offset: Int64)] {
        let count = min(Self.probeRun - slot % Self.probeRun, capacity - slot)
        let bytes = try SpillFile.read(count * Self.slotSize, at: Int64(slot * Self.slotSize), from: descriptor)
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { i in
                (UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * Self.slotSize, as: UInt64.self)),
                 Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * Self.slotSize + 8, as: Int64.self)))
            }
        }
    }

    private func writeSlots(_ run: [(tag: UInt64, offset: Int64)], from slot: Int) throws(SQLError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(run.count * Self.slotSize)
        for entry in run {
            withUnsafeBytes(of: entry.tag.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: entry.offset.littleEndian) { bytes.append(contentsOf: $0) }
        }
        try SpillFile.write(bytes, at: Int64(slot * Self.slotSize), to: descriptor)
    }

    private func writeSlot(_ slot: Int, tag: UInt64, offset: Int64) throws(SQLError) {
        try writeSlots([(tag, offset)], from: slot)
    }
}
