import RivuletPlanner
import RivuletRuntime
@testable import RivuletServer
import Testing

struct OperatorGraphTests {
    static let lines = [
        StreamPlan.ExplainLine(number: 1, operatorName: "IntervalJoin", detail: "a.k = b.k [append]", inputs: [2, 4], text: ""),
        StreamPlan.ExplainLine(number: 2, operatorName: "Filter", detail: "a.x > 1 [append]", inputs: [3], text: ""),
        StreamPlan.ExplainLine(number: 3, operatorName: "Scan", detail: "a (embedded) columns=[k, x] [append]", inputs: [], text: ""),
        StreamPlan.ExplainLine(number: 4, operatorName: "Scan", detail: "b (file) columns=[k] [append]", inputs: [], text: ""),
    ]

    @Test func explainLinesBecomeNodesWithTheirInputsAndTheSinkOnTop() {
        let graph = OperatorGraph(lines: Self.lines, metrics: [], rates: [:], sink: "joined", rowsOutPerSecond: 12)
        #expect(graph.nodes.map(\.id) == [0, 1, 2, 3, 4])
        #expect(graph.nodes.map(\.operator) == ["Sink", "IntervalJoin", "Filter", "Scan", "Scan"])
        #expect(graph.nodes.map(\.inputs) == [[1], [2, 4], [3], [], []])
        #expect(graph.nodes[0].detail == "joined" && graph.nodes[0].rowsPerSecond == 12)
        #expect(graph.nodes[3].detail == "a (embedded) columns=[k, x] [append]")
    }

    @Test func everyNodeCarriesItsRateAndAStatefulOneItsState() {
        let metrics = [
            OperatorMetrics(line: 1, rowsOut: 40, stateSize: 7, stateBytes: 300), OperatorMetrics(line: 2, rowsOut: 10),
            OperatorMetrics(line: 3, rowsOut: 30), OperatorMetrics(line: 4, rowsOut: 20),
        ]
        let graph = OperatorGraph(
            lines: Self.lines, metrics: metrics, rates: [1: 4, 2: 1, 3: 3, 4: 2], sink: "joined", rowsOutPerSecond: 4)
        #expect(graph.nodes.map(\.rowsPerSecond) == [4, 4, 1, 3, 2])
        #expect(graph.nodes.map(\.stateSize) == [nil, 7, nil, nil, nil])
        #expect(graph.nodes[1].stateBytes == 300)
    }

    @Test func aQueryWithoutItsPlanIsItsSinkAlone() {
        let graph = OperatorGraph(lines: [], metrics: [], rates: [:], sink: "t", rowsOutPerSecond: 0)
        #expect(graph.nodes.map(\.operator) == ["Sink"] && graph.nodes[0].inputs.isEmpty)
    }
}
