public import Foundation
import Logging
public import RivuletCore
public import RivuletEngine
public import RivuletPlanner
public import RivuletRuntime
import Synchronization

/// A persistent query (`INSERT INTO ... SELECT`, `CREATE ... AS SELECT`) the server runs: what
/// it is, and its live state and counters, which its driving task updates after every batch
/// and SHOW QUERIES and /metrics read from anywhere.
public final class PersistentQuery: Sendable {
    /// The live part, read as one consistent value.
    public struct Status: Sendable, Hashable {
        public var state: QueryState
        public var metrics: QueryMetrics
        /// Why the query failed.
        public var error: String?
        /// What checkpointing has done in this run.
        public var checkpoints: CheckpointSummary
        /// When the query stopped running (finished, failed or terminated).
        public var endedAt: Date?
    }

    /// `q1`, `q2`, ...
    public let id: String
    public let sql: String
    /// The relation the query writes.
    public let sink: String
    /// The relations the query reads.
    public let sources: Set<String>
    /// The operator tree, a line per node, as `EXPLAIN id` shows it; `metrics.operators` has
    /// their counters under the same line numbers.
    public let operators: [StreamPlan.ExplainLine]
    /// When this run of the query started (at a server restart, the restart).
    public let startedAt = Date()
    /// Whether the sink can be written; a sink that retries an unreachable server reports here,
    /// and its outages and recoveries are logged.
    public let sinkHealth: SinkHealth

    private let current = Mutex(Status(state: .running, metrics: QueryMetrics(), error: nil, checkpoints: CheckpointSummary()))
    private let stop = Atomic<Bool>(false)
    private let trimmedErrors = Atomic<Int>(0)

    init(id: String, sql: String, sink: String, sources: Set<String>, operators: [StreamPlan.ExplainLine], logger: Logger = Logger(label: "rivulet.queries")) {
        sinkHealth = SinkHealth { change in
            switch change {
            case .unavailable(let error):
                logger.warning("sink unavailable, retrying", metadata: ["query": "\(id)", "sink": "\(sink)", "error": "\(error)"])
            case .recovered(let retries):
                logger.info("sink recovered", metadata: ["query": "\(id)", "sink": "\(sink)", "retries": "\(retries)"])
            }
        }
        self.id = id
        self.sql = sql
        self.sink = sink
        self.sources = sources
        self.operators = operators
    }

    /// EXPLAIN's numbered lines.
    public var explain: [String] { operators.map(\.text) }

    public var status: Status { current.withLock { $0 } }

    /// Bad records dropped from the query's error log file to keep it within its bound.
    public var errorLogTrimmed: Int { trimmedErrors.load(ordering: .relaxed) }

    /// The state as SHOW QUERIES shows it: `RUNNING (sink unavailable: <error>, retrying)` while
    /// the sink cannot be written.
    public var stateText: String {
        let state = status.state
        if state == .running, let error = sinkHealth.snapshot.unavailable {
            return "RUNNING (sink unavailable: \(error), retrying)"
        }
        return state.rawValue
    }

    /// Asks the driving task to stop after the batch it is processing.
    func requestStop() { stop.store(true, ordering: .relaxed) }

    var stopRequested: Bool { stop.load(ordering: .relaxed) }

    func update(_ metrics: QueryMetrics, checkpoints: CheckpointSummary, errorLogTrimmed: Int) {
        current.withLock { status in
            status.metrics = metrics
            status.checkpoints = checkpoints
        }
        trimmedErrors.store(errorLogTrimmed, ordering: .relaxed)
    }

    /// Records the query's end; a query that already ended keeps its first end.
    func end(_ state: QueryState, metrics: QueryMetrics? = nil, error: String? = nil) {
        current.withLock { status in
            guard status.state == .running else { return }
            status.state = state
            if let metrics { status.metrics = metrics }
            status.error = error
            status.endedAt = Date()
        }
    }
}
