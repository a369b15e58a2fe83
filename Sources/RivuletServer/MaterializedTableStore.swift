public import RivuletCore
import Synchronization

/// The current rows of tables made by `CREATE TABLE ... AS SELECT` over an updating query,
/// kept in memory and read by pull queries. A table with a key holds one row per key (the
/// latest `+I`/`+U`, removed by `-D`); one without holds the changelog applied as a multiset.
public final class MaterializedTableStore: Sendable {
    private struct Entry {
        /// Order of first insertion, so that reads list rows in a stable order.
        var sequence: Int
        var row: [Value]
        /// Copies of the row (always 1 in a keyed table).
        var count: Int
    }

    private struct Table {
        var key: [Int]
        var entries: [[Value]: Entry] = [:]
        var nextSequence = 0
        /// Push queries following the table: each receives every changelog batch applied.
        var subscribers: [ObjectIdentifier: MaterializedTableSubscription] = [:]
    }

    private let tables = Mutex<[String: Table]>([:])

    public init() {}

    /// Applies a changelog batch to the table, creating it on first use with `key` (empty: the whole row).
    func apply(_ batch: RowBatch, types: [SQLType], key: [Int], to name: String) {
        tables.withLock { tables in
            var table = tables[name.lowercased()] ?? Table(key: key)
            for index in 0..<batch.count {
                let row = batch.row(index, types: types)
                let kind = batch.kind(index)
                if table.key.isEmpty {
                    if kind.isAccumulate {
                        if table.entries[row] != nil {
                            table.entries[row]!.count += 1
                        } else {
                            table.entries[row] = Entry(sequence: table.nextSequence, row: row, count: 1)
                            table.nextSequence += 1
                        }
                    } else if let entry = table.entries[row] {
                        if entry.count > 1 { table.entries[row]!.count -= 1 } else { table.entries[row] = nil }
                    }
                    continue
                }
                let keyValues = table.key.map { row[$0] }
                switch kind {
                case .insert, .updateAfter:
                    if table.entries[keyValues] != nil {
                        table.entries[keyValues]!.row = row
                    } else {
                        table.entries[keyValues] = Entry(sequence: table.nextSequence, row: row, count: 1)
                        table.nextSequence += 1
                    }
                case .delete:
                    table.entries[keyValues] = nil
                case .updateBefore:
                    // The +U that follows replaces the row under the same key.
                    break
                }
            }
            for subscriber in table.subscribers.values { subscriber.deliver(batch) }
            tables[name.lowercased()] = table
        }
    }

    /// The table's rows now (in order of first insertion) and a subscription that receives every
    /// change applied from then on, taken together so that no change is missed or seen twice.
    func subscribe(to name: String, key: [Int]) -> (rows: [[Value]], subscription: MaterializedTableSubscription) {
        let subscription = MaterializedTableSubscription()
        let entries = tables.withLock { tables in
            var table = tables[name.lowercased()] ?? Table(key: key)
            table.subscribers[ObjectIdentifier(subscription)] = subscription
            tables[name.lowercased()] = table
            return Array(table.entries.values)
        }
        let rows = entries.sorted { $0.sequence < $1.sequence }.flatMap { Array(repeating: $0.row, count: $0.count) }
        return (rows, subscription)
    }

    func unsubscribe(_ subscription: MaterializedTableSubscription, from name: String) {
        tables.withLock { _ = $0[name.lowercased()]?.subscribers.removeValue(forKey: ObjectIdentifier(subscription)) }
    }

    /// The table's rows now, in order of first insertion.
    public func rows(of name: String) -> [[Value]] {
        let entries = tables.withLock { $0[name.lowercased()]?.entries.values.map { $0 } ?? [] }
        return entries.sorted { $0.sequence < $1.sequence }.flatMap { Array(repeating: $0.row, count: $0.count) }
    }

    public func drop(_ name: String) {
        _ = tables.withLock { $0.removeValue(forKey: name.lowercased()) }
    }
}
