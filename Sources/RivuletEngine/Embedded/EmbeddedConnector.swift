public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// The connector of streams declared without one: reads what has been appended so far (a
/// bounded snapshot) or, when following, also every row appended later; appends what a query
/// writes.
public struct EmbeddedConnector: ConnectorFactory {
    public let store: EmbeddedStreamStore

    public init(store: EmbeddedStreamStore) {
        self.store = store
    }

    public var names: [String] { [ConnectorSpec.embedded] }

    public var durability: ConnectorDurability { .insertedRowsKept }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {}

    /// A reader of the stream's rows. Following, it never ends: once it has returned every row
    /// appended so far it returns empty batches until more are appended (a server's persistent
    /// and push queries); otherwise it ends after the rows appended before it was opened.
    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        if context.follow { return FollowingReader(store: store, stream: relation.name, columns: columns) }
        return SnapshotReader(batches: store.snapshot(of: relation.name), columns: columns)
    }

    /// Inserted rows are kept in the stream's file (in a durable store) before this returns.
    public func insert(_ batch: RowBatch, into relation: Relation, context: ConnectorContext) throws {
        try store.insert(batch, into: relation.name)
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        AppendWriter(store: store, stream: relation.name)
    }

    private final class SnapshotReader: SourceReader {
        private let batches: [RowBatch]
        private let columns: [Int]
        private var next = 0
        /// The first row of `batches[next]` not yet returned.
        private var offset = 0

        init(batches: [RowBatch], columns: [Int]) {
            self.batches = batches
            self.columns = columns
        }

        func nextBatch(maxRows: Int) throws -> RowBatch? {
            guard next < batches.count else { return nil }
            let batch = batches[next]
            let projected = RowBatch(columns: columns.map { batch.columns[$0] }, count: batch.count)
            if offset == 0, batch.count <= maxRows {
                next += 1
                return projected
            }
            let end = min(batch.count, offset + maxRows)
            let slice = projected.gather(Array(offset..<end))
            if end == batch.count {
                next += 1
                offset = 0
            } else {
                offset = end
            }
            return slice
        }
    }

    private final class FollowingReader: SourceReader {
        private let store: EmbeddedStreamStore
        private let stream: String
        private let columns: [Int]
        /// Batches of the store already taken into `current`.
        private var taken = 0
        private var current: SnapshotReader?

        init(store: EmbeddedStreamStore, stream: String, columns: [Int]) {
            self.store = store
            self.stream = stream
            self.columns = columns
        }

        func nextBatch(maxRows: Int) throws -> RowBatch? {
            if let current, let batch = try current.nextBatch(maxRows: maxRows) { return batch }
            let appended = store.batches(of: stream, from: taken)
            guard !appended.isEmpty else {
                current = nil
                return RowBatch(columns: [], count: 0)
            }
            taken += appended.count
            let reader = SnapshotReader(batches: appended, columns: columns)
            current = reader
            return try reader.nextBatch(maxRows: maxRows) ?? RowBatch(columns: [], count: 0)
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
