public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// The connector of streams declared without one: reads what has been appended so far (a
/// bounded snapshot) and appends what a query writes.
public struct EmbeddedConnector: ConnectorFactory {
    public let store: EmbeddedStreamStore

    public init(store: EmbeddedStreamStore) {
        self.store = store
    }

    public var names: [String] { ["embedded"] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {}

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        SnapshotReader(batches: store.snapshot(of: relation.name), columns: columns)
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        AppendWriter(store: store, stream: relation.name)
    }

    private final class SnapshotReader: SourceReader {
        private let batches: [RowBatch]
        private let columns: [Int]
        private var next = 0

        init(batches: [RowBatch], columns: [Int]) {
            self.batches = batches
            self.columns = columns
        }

        func nextBatch(maxRows: Int) throws -> RowBatch? {
            guard next < batches.count else { return nil }
            let batch = batches[next]
            next += 1
            return RowBatch(columns: columns.map { batch.columns[$0] }, count: batch.count)
        }
    }

    private final class AppendWriter: SinkWriter {
        let store: EmbeddedStreamStore
        let stream: String

        init(store: EmbeddedStreamStore, stream: String) {
            self.store = store
            self.stream = stream
        }

        func write(_ batch: RowBatch) throws {
            if let kinds = batch.kinds, kinds.contains(where: { !$0.isAccumulate }) {
                throw SQLError(.featureNotSupported, "stream '\(stream)' is append-only and cannot take retractions; declare it as a TABLE with a PRIMARY KEY")
            }
            var appended = batch
            appended.kinds = nil
            appended.arrivalWatermarks = nil
            store.append(appended, to: stream)
        }

        func flush() throws {}
        func close() throws {}
    }
}
