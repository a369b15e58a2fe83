/// Where a persistent query stands, as SHOW QUERIES and /metrics report it.
public enum QueryState: String, Sendable, Hashable {
    /// Reading its sources and writing its sink.
    case running = "RUNNING"
    /// Its bounded sources are exhausted and its sink is flushed and closed.
    case finished = "FINISHED"
    /// Stopped by an error (kept with the query); other queries are unaffected.
    case failed = "FAILED"
    /// Stopped by `TERMINATE` or by the server shutting down.
    case terminated = "TERMINATED"
}
