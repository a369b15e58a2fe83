import RivuletPlanner
import RivuletRuntime

/// A query's operators from its sources to its sink, one node per EXPLAIN line with the sink on
/// top, each with its rows out per second and, where the operator keeps state, its state size.
struct OperatorGraph: Encodable, Sendable, Hashable {
    struct Node: Encodable, Sendable, Hashable {
        /// 0 is the sink; the others are EXPLAIN's line numbers.
        var id: Int
        /// `Scan`, `Filter`, `TumblingWindowAggregate`, ..., or `Sink`.
        var `operator`: String
        var detail: String
        /// The nodes whose rows this one reads.
        var inputs: [Int]
        /// Rows it handed on per second (the sink: rows written).
        var rowsPerSecond: Double
        /// Rows, keys or windows it holds; absent for an operator that keeps no state.
        var stateSize: Int?
        /// Its state's size in the last checkpoint.
        var stateBytes: Int?
    }

    var nodes: [Node]

    /// - Parameters:
    ///   - metrics: the operators' counters, by EXPLAIN line.
    ///   - rates: the operators' rows out per second, by EXPLAIN line (none for a query that ended).
    init(lines: [StreamPlan.ExplainLine], metrics: [OperatorMetrics], rates: [Int: Double], sink: String, rowsOutPerSecond: Double) {
        let counters = Dictionary(metrics.map { ($0.line, $0) }, uniquingKeysWith: { first, _ in first })
        nodes = [Node(id: 0, operator: "Sink", detail: sink, inputs: lines.isEmpty ? [] : [1], rowsPerSecond: rowsOutPerSecond)]
        nodes += lines.map { line in
            Node(
                id: line.number, operator: line.operatorName, detail: line.detail, inputs: line.inputs,
                rowsPerSecond: rates[line.number] ?? 0, stateSize: counters[line.number]?.stateSize,
                stateBytes: counters[line.number]?.stateBytes)
        }
    }
}
