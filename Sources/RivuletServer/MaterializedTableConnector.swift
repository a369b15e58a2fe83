import RivuletCore
import RivuletPlanner
import RivuletRuntime

/// The connector of tables materialized in memory (`materialized`): the sink applies a
/// query's changelog to a `MaterializedTableStore` by the relation's primary key; the source
/// reads the rows held now and ends, which makes a SELECT over it a pull query.
struct MaterializedTableConnector: ConnectorFactory {
    static let name = "materialized"
    let store: MaterializedTableStore

    var names: [String] { [Self.name] }

    var durability: ConnectorDurability { .rebuilt }

    func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {}

    /// The rows held now; following, then every change applied later (see `FollowingReader`).
    func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        if context.follow { return FollowingReader(store: store, relation: relation, columns: columns) }
        var batch = RowBatch(types: columns.map { relation.schema[$0].type })
        for row in store.rows(of: relation.name) { batch.appendRow(columns.map { row[$0] }) }
        return HeldBatchReader(batch: batch)
    }

    func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        ChangelogWriter(store: store, relation: relation)
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

    private final class ChangelogWriter: SinkWriter {
        let store: MaterializedTableStore
        let relation: Relation

        init(store: MaterializedTableStore, relation: Relation) {
            self.store = store
            self.relation = relation
        }

        func write(_ batch: RowBatch) throws {
            store.apply(batch, types: relation.schema.types, key: relation.primaryKey, to: relation.name)
        }

        func flush() throws {}
        func close() throws {}
    }
}
