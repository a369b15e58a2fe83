import RivuletCore

/// The state an operator keeps per key (a deduplication's row, a Top-N partition's ranking),
/// held in memory up to a budget of keys (`StateOptions.memoryBudget`). After each batch the
/// keys least recently read go to a `SpillFile`, and a key read again comes back, so the
/// operator's output is the same with or without a budget.
///
/// A key's entry is written with the same bytes a checkpoint holds for it (`write` / `read`),
/// so a snapshot copies spilled entries as they lie on disk and stays in the layout the
/// operator had before it could spill; a restore reads them back into memory key by key and
/// spills again as soon as the budget is passed.
struct SpillableKeyedState<Entry> {
    typealias Key = [Value]

    private var resident: [Key: (entry: Entry, lastRead: Int64)] = [:]
    private var spill: SpillFile?
    private var reads: Int64 = 0
    private let options: StateOptions
    private let write: (Entry, inout StateWriter) -> Void
    private let read: (inout StateReader) throws -> Entry

    init(options: StateOptions, write: @escaping (Entry, inout StateWriter) -> Void, read: @escaping (inout StateReader) throws -> Entry) {
        self.options = options
        self.write = write
        self.read = read
    }

    /// Keys held, in memory or on disk.
    var count: Int { resident.count + (spill?.count ?? 0) }
    /// Keys held in memory.
    var residentCount: Int { resident.count }

    /// The entry of `key`, brought back from disk if it was spilled. Read a key before
    /// replacing or removing its entry.
    mutating func entry(of key: Key) throws -> Entry? {
        reads += 1
        if let held = resident[key] {
            resident[key] = (held.entry, reads)
            return held.entry
        }
        guard let spill, spill.count > 0, let bytes = try spill.take(Self.encoded(key)) else { return nil }
        var reader = StateReader(bytes)
        let entry = try read(&reader)
        resident[key] = (entry, reads)
        return entry
    }

    mutating func set(_ key: Key, to entry: Entry?) {
        if let entry {
            resident[key] = (entry, reads)
        } else {
            resident.removeValue(forKey: key)
        }
    }

    /// Moves the least recently read keys to disk while more than the budget are in memory.
    mutating func spillColdKeys() throws {
        guard let budget = options.memoryBudget, resident.count > budget else { return }
        if spill == nil { spill = try SpillFile(directory: options.spillDirectory) }
        for key in ColdestKeys.select(resident.map { ($0.key, $0.value.lastRead) }, budget: budget) {
            guard let held = resident[key] else { continue }
            var writer = StateWriter()
            write(held.entry, &writer)
            try spill!.put(Self.encoded(key), writer.bytes)
            resident.removeValue(forKey: key)
        }
    }

    /// Every key and its entry, in no particular order: the key's row, then its entry's bytes.
    func snapshot(into writer: inout StateWriter) throws {
        writer.write(count)
        for (key, held) in resident {
            writer.write(row: key)
            write(held.entry, &writer)
        }
        try spill?.forEach { key, entry in
            writer.append(written: key)
            writer.append(written: entry)
        }
    }

    /// Reads what `snapshot` wrote, keeping within the budget as it goes; `each` sees every entry.
    mutating func restore(from reader: inout StateReader, each: (Entry) -> Void = { _ in }) throws {
        guard count == 0 else { throw SQLError.internal("restoring keyed state into one that holds keys") }
        for _ in 0..<(try reader.readCount()) {
            let key = try reader.readRow()
            let entry = try read(&reader)
            each(entry)
            resident[key] = (entry, 0)
            if let budget = options.memoryBudget, resident.count > budget { try spillColdKeys() }
        }
    }

    private static func encoded(_ key: Key) -> [UInt8] {
        var writer = StateWriter()
        writer.write(row: key)
        return writer.bytes
    }
}
