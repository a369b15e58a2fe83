public import RivuletCore
import Synchronization

/// Rows of embedded streams (declared without a connector), appended by `INSERT ... VALUES`
/// and by queries writing into them, kept in arrival order.
public final class EmbeddedStreamStore: Sendable {
    private let streams = Mutex<[String: [RowBatch]]>([:])

    public init() {}

    public func append(_ batch: RowBatch, to stream: String) {
        guard batch.count > 0 else { return }
        streams.withLock { $0[stream.lowercased(), default: []].append(batch) }
    }

    /// Everything appended so far.
    public func snapshot(of stream: String) -> [RowBatch] {
        streams.withLock { $0[stream.lowercased()] ?? [] }
    }

    /// The batches appended after the first `index` ones (empty when there are none yet).
    public func batches(of stream: String, from index: Int) -> [RowBatch] {
        streams.withLock { streams in
            guard let batches = streams[stream.lowercased()], index < batches.count else { return [] }
            return Array(batches[index...])
        }
    }

    public func rowCount(of stream: String) -> Int {
        snapshot(of: stream).reduce(0) { $0 + $1.count }
    }

    public func drop(_ stream: String) {
        _ = streams.withLock { $0.removeValue(forKey: stream.lowercased()) }
    }
}
