import RivuletCore

/// The cold keys of one join input, on disk: under a memory budget (`StateOptions.memoryBudget`,
/// in keys) the keys of a `JoinSideStore` least recently probed or stored go to a `SpillFile`
/// after each batch, and come back before a batch that probes or changes them, so the join's
/// output is the same with or without a budget.
///
/// A key's rows are written as values (their count, then each row with its match count and last
/// touch), under the key's row of values; a checkpoint copies spilled keys as they lie on disk,
/// and a restore puts them back on disk as they lie in the checkpoint.
struct JoinSideSpill {
    private let options: StateOptions
    private var file: SpillFile?
    private var lastUse: [JoinKey: Int64] = [:]
    private var batches: Int64 = 0
    /// Rows on disk.
    private(set) var rows = 0

    init(options: StateOptions) {
        self.options = options
    }

    /// Keys on disk.
    var keys: Int { file?.count ?? 0 }

    /// Whether a budget is set or keys are on disk (restored from a checkpoint taken under one).
    var isActive: Bool { options.memoryBudget != nil || keys > 0 }

    /// Brings `touched` back into `store` from disk, and marks them used by this batch. Rows
    /// last touched before `horizon` (a state TTL's) come back forgotten, as if they had
    /// expired in memory; rows stored before the first watermark take `firstStamp` as their touch.
    /// Returns how many rows were forgotten.
    mutating func faultIn(_ touched: [JoinKey], into store: inout JoinSideStore, horizon: Int64?, firstStamp: Int64?) throws -> Int {
        batches += 1
        var forgotten = 0
        if let file, file.count > 0 {
            for key in touched where store.firstRow(key) == JoinSideStore.end {
                guard let bytes = try file.take(Self.encoded(store.values(of: key))) else { continue }
                var reader = StateReader(bytes)
                var entries = try Self.readEntries(from: &reader)
                rows -= entries.count
                if let firstStamp {
                    for i in entries.indices where entries[i].touched == Watermark.none { entries[i].touched = firstStamp }
                }
                if let horizon {
                    let before = entries.count
                    entries.removeAll { $0.touched < horizon }
                    forgotten += before - entries.count
                }
                if !entries.isEmpty { store.replaceEntries(of: key, with: entries) }
            }
        }
        if options.memoryBudget != nil {
            for key in touched { lastUse[key] = batches }
        }
        return forgotten
    }

    /// Moves the least recently used keys of `store` to disk while it holds more than the budget.
    mutating func spillColdKeys(of store: inout JoinSideStore) throws {
        guard let budget = options.memoryBudget, store.keyCount > budget else { return }
        if file == nil { file = try SpillFile(directory: options.spillDirectory) }
        // Each key's last use looked up once, not at every comparison of the sort.
        let coldest = ColdestKeys.select(store.keys.map { ($0, lastUse[$0] ?? 0) }, budget: budget)
        for key in coldest {
            guard let entries = store.entries(of: key) else { continue }
            var writer = StateWriter()
            Self.write(entries, into: &writer)
            try file!.put(Self.encoded(store.values(of: key)), writer.bytes)
            rows += entries.count
            store.replaceEntries(of: key, with: [])
            lastUse.removeValue(forKey: key)
        }
        store.compactIfSparse()
        // Keys a retraction or the TTL removed since are used no more.
        if lastUse.count > 2 * store.keyCount { lastUse = lastUse.filter { store.firstRow($0.key) != JoinSideStore.end } }
    }

    /// The spilled keys: their count, then each key's row of values and its rows, as bytes.
    func snapshot(into writer: inout StateWriter) throws {
        writer.write(keys)
        try file?.forEach { key, rows in
            writer.write(bytes: key)
            writer.write(bytes: rows)
        }
    }

    /// Reads what `snapshot` wrote straight into the spill file, never into memory (joining the
    /// keys a smaller budget spilled while the keys in memory were restored). Returns the rows
    /// the keys hold.
    mutating func restore(from reader: inout StateReader) throws -> Int {
        let count = try reader.readCount()
        guard count > 0 else { return 0 }
        let restored = try file ?? SpillFile(directory: options.spillDirectory)
        var restoredRows = 0
        for _ in 0..<count {
            let key = try reader.readBytes()
            let entries = try reader.readBytes()
            var counter = StateReader(entries)
            restoredRows += try counter.readCount()
            try restored.put(key, entries)
        }
        file = restored
        rows += restoredRows
        return restoredRows
    }

    static func write(_ entries: [JoinSideStore.Entry], into writer: inout StateWriter) {
        writer.write(entries.count)
        for entry in entries {
            writer.write(row: entry.row)
            writer.write(entry.matches)
            writer.write(entry.touched)
        }
    }

    static func readEntries(from reader: inout StateReader) throws -> [JoinSideStore.Entry] {
        var entries: [JoinSideStore.Entry] = []
        for _ in 0..<(try reader.readCount()) {
            entries.append(JoinSideStore.Entry(row: try reader.readRow(), matches: try reader.readInt(), touched: try reader.readInt64()))
        }
        return entries
    }

    private static func encoded(_ key: [Value]) -> [UInt8] {
        var writer = StateWriter()
        writer.write(row: key)
        return writer.bytes
    }
}
