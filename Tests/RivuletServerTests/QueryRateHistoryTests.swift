import Foundation
import RivuletEngine
import RivuletRuntime
@testable import RivuletServer
import Testing

struct QueryRateHistoryTests {
    @Test func operatorRatesComeFromTheLastTwoSamples() {
        let history = QueryRateHistory()
        let query = PersistentQuery(id: "q1", sql: "", sink: "t", sources: [], operators: [])
        var metrics = QueryMetrics()
        metrics.operators = [OperatorMetrics(line: 1, rowsOut: 10), OperatorMetrics(line: 2, rowsOut: 100)]
        query.update(metrics, checkpoints: CheckpointSummary(), errorLogTrimmed: 0)
        let start = Date(timeIntervalSince1970: 1000)
        history.record([query], at: start)
        #expect(history.operatorRates(of: "q1").isEmpty)
        metrics.operators = [OperatorMetrics(line: 1, rowsOut: 30), OperatorMetrics(line: 2, rowsOut: 140)]
        query.update(metrics, checkpoints: CheckpointSummary(), errorLogTrimmed: 0)
        history.record([query], at: start.addingTimeInterval(2))
        #expect(history.operatorRates(of: "q1") == [1: 10, 2: 20])
    }
}
