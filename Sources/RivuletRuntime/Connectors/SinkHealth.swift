import Synchronization

/// Whether a query's sink can currently be written, as the sink reports it while it retries a
/// server that went away (Postgres restarted), for SHOW QUERIES and /metrics to show.
///
/// Contract: a sink that retries calls `retrying(_:)` before each wait with the error it got,
/// and `recovered()` once a retried operation succeeds. Sinks that never retry leave it alone.
public final class SinkHealth: Sendable {
    public struct Snapshot: Sendable, Hashable {
        /// The last error while the sink is unavailable; nil while it is available.
        public var unavailable: String?
        /// Retries since the query started.
        public var retries = 0
        /// Times the sink became unavailable since the query started.
        public var outages = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func retrying(_ error: String) {
        state.withLock { state in
            if state.unavailable == nil { state.outages += 1 }
            state.unavailable = error
            state.retries += 1
        }
    }

    public func recovered() {
        state.withLock { $0.unavailable = nil }
    }
}
