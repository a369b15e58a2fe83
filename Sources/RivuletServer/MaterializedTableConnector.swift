import Foundation
import RivuletCore
import RivuletPlanner
import RivuletRuntime

/// The connector of tables materialized in memory (`materialized`): the sink applies a
/// query's changelog to a `MaterializedTableStore` by the relation's primary key; the source
/// reads the rows held now and ends, which makes a SELECT over it a pull query.
///
/// A checkpointed query's table is saved beside its checkpoints at each one (see
/// `SavedTable`), so after a restart the query resumes from its checkpoint over the rows it
/// had then, instead of running again over sources that may have lost their oldest records.
struct MaterializedTableConnector: ConnectorFactory {
    static let name = "materialized"
    let store: MaterializedTableStore

    var names: [String] { [Self.name] }

    var durability: ConnectorDurability { .committedRowsKept }

    /// Whether `name`, in a query's checkpoint folder, is one of the files that save its table.
    static func isSavedFile(_ name: String) -> Bool { name.hasPrefix(SavedTable.prefix) }

    func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {}

    /// The rows held now; following, then every change applied later (see `FollowingReader`).
    func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        if context.follow { return FollowingReader(store: store, relation: relation, columns: columns) }
        var batch = RowBatch(types: columns.map { relation.schema[$0].type })
        for row in store.rows(of: relation.name) { batch.appendRow(columns.map { row[$0] }) }
        return HeldBatchReader(batch: batch)
    }

    func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        ChangelogWriter(store: store, relation: relation, dataDirectory: context.dataDirectory)
    }

    /// A reader that never ends: the rows held now as inserts, then every change applied to the
    /// table later with its kind (`+I`, `-U`, `+U`, `-D`), for push queries over the table.
    private final class FollowingReader: SourceReader {
        private let store: MaterializedTableStore
        private let relation: Relation
        private let columns: [Int]
        private let subscription: MaterializedTableSubscription
        /// The rows held at subscription, then the changes taken from the subscription.
        private var pending: [RowBatch]

        init(store: MaterializedTableStore, relation: Relation, columns: [Int]) {
            self.store = store
            self.relation = relation
            self.columns = columns
            let (rows, subscription) = store.subscribe(to: relation.name, key: relation.primaryKey)
            self.subscription = subscription
            var current = RowBatch(types: relation.schema.types)
            for row in rows { current.appendRow(row) }
            pending = current.count > 0 ? [current] : []
        }

        deinit { store.unsubscribe(subscription, from: relation.name) }

        func nextBatch(maxRows: Int) throws -> RowBatch? {
            if pending.isEmpty { pending = subscription.take() }
            guard !pending.isEmpty else { return RowBatch(types: columns.map { relation.schema[$0].type }) }
            var batch = pending.removeFirst()
            if batch.count > maxRows {
                pending.insert(batch.gather(Array(maxRows..<batch.count)), at: 0)
                batch = batch.gather(Array(0..<maxRows))
            }
            return RowBatch(columns: columns.map { batch.columns[$0] }, count: batch.count, kinds: batch.kinds)
        }
    }

    /// Applies a query's changelog to the table as it comes, so pull queries see rows at once;
    /// once checkpointing, saves the table at each checkpoint and loads it back at the start.
    private final class ChangelogWriter: TransactionalSink {
        let store: MaterializedTableStore
        let relation: Relation
        let dataDirectory: String
        private var saved: SavedTable?
        /// Whether rows were written since the table was last saved.
        private var changed = false

        init(store: MaterializedTableStore, relation: Relation, dataDirectory: String) {
            self.store = store
            self.relation = relation
            self.dataDirectory = dataDirectory
        }

        func write(_ batch: RowBatch) throws {
            guard batch.count > 0 else { return }
            store.apply(batch, types: relation.schema.types, key: relation.primaryKey, to: relation.name)
            changed = true
        }

        func flush() throws {}
        func close() throws {}

        /// Loads the rows saved with the query's last checkpoint into the table (empty at the
        /// server's start), and returns that checkpoint's mark.
        func beginCheckpointing(query: String) throws -> CheckpointMark? {
            let saved = SavedTable(folder: CheckpointStore.directory(dataDirectory: dataDirectory, queryId: query))
            self.saved = saved
            changed = true
            guard let (mark, rows) = try saved.load(), mark.query == query else { return nil }
            var batch = RowBatch(types: relation.schema.types)
            for row in rows { batch.appendRow(row) }
            store.apply(batch, types: relation.schema.types, key: relation.primaryKey, to: relation.name)
            changed = false
            return mark
        }

        func commit(_ mark: CheckpointMark) throws {
            guard let saved else { throw SQLError.internal("commit before beginCheckpointing") }
            try saved.save(mark, rows: changed ? store.rows(of: relation.name) : nil)
            changed = false
        }
    }
}

/// A materialized table saved in its query's checkpoint folder: `table-rows-<n>` holds the
/// rows, rewritten only when they changed, and `table-mark` the checkpoint they belong to and
/// which rows file that is. The mark is replaced after the rows file it names is durable, and
/// older rows files are removed only then, so a crash leaves a mark with its rows.
final class SavedTable {
    static let prefix = "table-"
    private static let magic = Array("RIVTABL1".utf8)
    let folder: String
    /// The rows file the mark names now.
    private var generation: Int64 = 0

    init(folder: String) {
        self.folder = folder
    }

    private var markPath: String { folder + "/\(Self.prefix)mark" }
    private func rowsPath(_ generation: Int64) -> String { folder + "/\(Self.prefix)rows-\(generation)" }

    /// The saved mark and its rows, or nil when nothing was saved.
    func load() throws -> (CheckpointMark, [[Value]])? {
        guard let markBytes = try DurableFile.read(markPath, magic: Self.magic) else { return nil }
        var reader = StateReader(markBytes)
        let mark = CheckpointMark(query: try reader.readString(), instance: try reader.readString(), checkpoint: try reader.readInt64())
        generation = try reader.readInt64()
        guard let rowBytes = try DurableFile.read(rowsPath(generation), magic: Self.magic) else {
            throw SQLError(.ioError, "'\(markPath)' names rows that '\(rowsPath(generation))' should hold, but it is missing")
        }
        var rowsReader = StateReader(rowBytes)
        let count = try rowsReader.readCount()
        var rows: [[Value]] = []
        rows.reserveCapacity(count)
        for _ in 0..<count { rows.append(try rowsReader.readRow()) }
        return (mark, rows)
    }

    /// Saves `mark`, with `rows` as the table's new contents (nil: the rows saved last are still current).
    func save(_ mark: CheckpointMark, rows: [[Value]]?) throws {
        let previous = generation
        if let rows {
            generation += 1
            var writer = StateWriter()
            writer.write(rows.count)
            for row in rows { writer.write(row: row) }
            try DurableFile.write(writer.bytes, to: rowsPath(generation), magic: Self.magic)
        }
        var writer = StateWriter()
        writer.write(mark.query)
        writer.write(mark.instance)
        writer.write(mark.checkpoint)
        writer.write(generation)
        try DurableFile.write(writer.bytes, to: markPath, magic: Self.magic)
        if generation != previous { try? FileManager.default.removeItem(atPath: rowsPath(previous)) }
    }
}
