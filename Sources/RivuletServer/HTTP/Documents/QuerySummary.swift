import Foundation
import RivuletEngine

/// One persistent query as `GET /api/v1/queries` lists it: its state, counters, rates,
/// watermark, checkpoints and sink.
struct QuerySummary: Encodable, Sendable {
    struct Checkpoints: Encodable, Sendable {
        /// Checkpoints this run took.
        var taken: Int
        /// The id of the last committed checkpoint.
        var lastId: Int64?
        var lastSeconds: Double
        var lastBytes: Int
        var longestSeconds: Double
        /// The checkpoint this run resumed from.
        var resumedFrom: Int64?
    }

    struct ConsumerLag: Encodable, Sendable {
        var source: String
        var topic: String
        var partition: Int
        var lag: Int64
    }

    var id: String
    var sql: String
    /// RUNNING, FINISHED, FAILED or TERMINATED.
    var state: String
    /// Why the query failed.
    var error: String?
    /// The relation it writes, and those it reads.
    var sink: String
    var sources: [String]
    var startedAt: Date
    var endedAt: Date?
    var uptimeSeconds: Double
    var rowsIn: Int
    var rowsOut: Int
    var rowsInPerSecond: Double
    var rowsOutPerSecond: Double
    var lateRows: Int
    var badRecords: Int
    var stateSize: Int
    /// The event-time watermark; nil before the first, and once a bounded input ended.
    var watermark: Date?
    /// How far the watermark is behind the clock.
    var watermarkLagSeconds: Double?
    var sinkAvailable: Bool
    /// Why the sink cannot be reached, while it is retried.
    var sinkError: String?
    var checkpoints: Checkpoints
    var consumerLag: [ConsumerLag]
    /// Rows per second over the last minutes, oldest first.
    var history: [QueryRateHistory.Rate]

    init(_ query: PersistentQuery, rates: [QueryRateHistory.Rate], now: Date = Date()) {
        let status = query.status
        let metrics = status.metrics
        id = query.id
        sql = query.sql
        state = status.state.rawValue
        error = status.error
        sink = query.sink
        sources = query.sources.sorted()
        startedAt = query.startedAt
        endedAt = status.endedAt
        uptimeSeconds = (status.endedAt ?? now).timeIntervalSince(query.startedAt)
        rowsIn = metrics.rowsRead
        rowsOut = metrics.rowsWritten
        let running = status.state == .running
        rowsInPerSecond = running ? rates.last?.rowsInPerSecond ?? 0 : 0
        rowsOutPerSecond = running ? rates.last?.rowsOutPerSecond ?? 0 : 0
        lateRows = metrics.lateRows
        badRecords = metrics.badRecords
        stateSize = metrics.stateSize
        if metrics.watermark != Int64.min, metrics.watermark != Int64.max {
            let watermark = Date(timeIntervalSince1970: Double(metrics.watermark) / 1000)
            self.watermark = watermark
            watermarkLagSeconds = now.timeIntervalSince(watermark)
        }
        let health = query.sinkHealth.snapshot
        sinkAvailable = health.unavailable == nil
        sinkError = health.unavailable
        let summary = status.checkpoints
        checkpoints = Checkpoints(
            taken: summary.taken, lastId: summary.last, lastSeconds: summary.lastSeconds, lastBytes: summary.lastBytes,
            longestSeconds: summary.longestSeconds, resumedFrom: summary.resumedFrom)
        consumerLag = metrics.partitionLags.map {
            ConsumerLag(source: $0.source, topic: $0.topic, partition: Int($0.partition), lag: $0.lag)
        }
        history = rates
    }
}
