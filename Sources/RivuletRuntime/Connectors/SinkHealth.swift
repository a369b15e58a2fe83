import Synchronization

/// Whether a query's sink can currently be written, as the sink reports it while it retries a
/// server that went away (Postgres restarted), for SHOW QUERIES and /metrics to show.
///
/// Contract: a sink that retries calls `retrying(_:)` before each wait with the error it got,
/// and `recovered()` once a retried operation succeeds. Sinks that never retry leave it alone.
/// The owner may watch the changes (`Change`): an outage begins, the sink recovers.
public final class SinkHealth: Sendable {
    /// A change of availability, as `onChange` is told of it (outside the lock).
    public enum Change: Sendable, Hashable {
        /// The sink could not be written, for the first time since it last could.
        case unavailable(error: String)
        /// The sink could be written again after `retries` retries.
        case recovered(retries: Int)
    }

    public struct Snapshot: Sendable, Hashable {
        /// The last error while the sink is unavailable; nil while it is available.
        public var unavailable: String?
        /// Retries since the query started.
        public var retries = 0
        /// Times the sink became unavailable since the query started.
        public var outages = 0
    }

    private let state = Mutex(Snapshot())
    /// Retries of the current outage.
    private let outageRetries = Mutex(0)
    private let onChange: (@Sendable (Change) -> Void)?

    public init(onChange: (@Sendable (Change) -> Void)? = nil) {
        self.onChange = onChange
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func retrying(_ error: String) {
        let began = state.withLock { state in
            let began = state.unavailable == nil
            if began { state.outages += 1 }
            state.unavailable = error
            state.retries += 1
            return began
        }
        outageRetries.withLock { $0 = began ? 1 : $0 + 1 }
        if began { onChange?(.unavailable(error: error)) }
    }

    public func recovered() {
        let ended = state.withLock { state in
            defer { state.unavailable = nil }
            return state.unavailable != nil
        }
        if ended { onChange?(.recovered(retries: outageRetries.withLock { $0 })) }
    }
}
