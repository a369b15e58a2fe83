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

    func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {}

    func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        var batch = RowBatch(types: columns.map { relation.schema[$0].type })
        for row in store.rows(of: relation.name) { batch.appendRow(columns.map { row[$0] }) }
        return OneBatchReader(batch: batch)
    }

    func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        ChangelogWriter(store: store, relation: relation)
    }

    private final class OneBatchReader: SourceReader {
        private var batch: RowBatch?

        init(batch: RowBatch) { self.batch = batch }

        func nextBatch(maxRows: Int) throws -> RowBatch? {
            guard let pending = batch else { return nil }
            guard pending.count > maxRows else {
                batch = nil
                return pending
            }
            batch = pending.gather(Array(maxRows..<pending.count))
            return pending.gather(Array(0..<maxRows))
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
