import Foundation
import Synchronization

/// Each persistent query's rows in and out per second over the last minutes, from its counters
/// sampled every second: what the console's charts draw and the API's rates report. Each
/// operator's rows out are sampled with them, for its current rate on the operator graph.
final class QueryRateHistory: Sendable {
    /// Rows per second between two samples, stamped with the later one's time.
    struct Rate: Encodable, Sendable, Hashable {
        var time: Date
        var rowsInPerSecond: Double
        var rowsOutPerSecond: Double
    }

    private struct Sample {
        var time: Date
        var rowsIn: Int
        var rowsOut: Int
        /// Rows out per operator, by EXPLAIN line.
        var operatorRows: [Int: Int]
    }

    /// Samples kept per query: five minutes at one a second.
    static let kept = 300

    private let samples = Mutex<[String: [Sample]]>([:])

    /// Takes a sample of every query's counters now.
    func record(_ queries: [PersistentQuery], at time: Date = Date()) {
        let counters = queries.map { ($0.id, $0.status.metrics) }
        samples.withLock { samples in
            for (id, metrics) in counters {
                var series = samples[id, default: []]
                series.append(Sample(
                    time: time, rowsIn: metrics.rowsRead, rowsOut: metrics.rowsWritten,
                    operatorRows: Dictionary(metrics.operators.map { ($0.line, $0.rowsOut) }, uniquingKeysWith: +)))
                if series.count > Self.kept + 1 { series.removeFirst(series.count - Self.kept - 1) }
                samples[id] = series
            }
            let live = Set(counters.map(\.0))
            samples = samples.filter { live.contains($0.key) }
        }
    }

    /// The query's rates, oldest first; empty before two samples were taken.
    func rates(of id: String) -> [Rate] {
        let series = samples.withLock { $0[id] ?? [] }
        return zip(series, series.dropFirst()).map { earlier, later in
            let seconds = max(later.time.timeIntervalSince(earlier.time), 0.001)
            return Rate(
                time: later.time, rowsInPerSecond: Double(later.rowsIn - earlier.rowsIn) / seconds,
                rowsOutPerSecond: Double(later.rowsOut - earlier.rowsOut) / seconds)
        }
    }

    /// Each operator's rows out per second between the last two samples, by EXPLAIN line; empty
    /// before two samples were taken.
    func operatorRates(of id: String) -> [Int: Double] {
        let series = samples.withLock { $0[id]?.suffix(2) ?? [] }
        guard let earlier = series.first, let later = series.last, series.count == 2 else { return [:] }
        let seconds = max(later.time.timeIntervalSince(earlier.time), 0.001)
        var rates: [Int: Double] = [:]
        for (line, rows) in later.operatorRows {
            rates[line] = Double(max(0, rows - (earlier.operatorRows[line] ?? rows))) / seconds
        }
        return rates
    }

    /// Samples the manager's queries every `interval` until the task is cancelled.
    func sample(every interval: Duration, from manager: QueryManager) async {
        while !Task.isCancelled {
            record(await manager.persistentQueries)
            try? await Task.sleep(for: interval)
        }
    }
}
