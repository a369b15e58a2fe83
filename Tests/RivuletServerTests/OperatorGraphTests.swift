@testable import RivuletServer
import Testing

struct OperatorGraphTests {
    @Test func explainLinesBecomeNodesWithTheirInputsAndTheSinkOnTop() {
        let graph = OperatorGraph(
            explain: [
                "01)IntervalJoin: a.k = b.k [append]",
                "02)--Filter: a.x > 1 [append]",
                "03)----Scan: a (embedded) columns=[k, x] [append]",
                "04)--Scan: b (file) columns=[k] [append]",
            ],
            sink: "joined", rowsInPerSecond: 30, rowsOutPerSecond: 12)
        #expect(graph.nodes.map(\.operator) == ["Sink", "IntervalJoin", "Filter", "Scan", "Scan"])
        #expect(graph.nodes.map(\.inputs) == [[1], [2, 4], [3], [], []])
        #expect(graph.nodes[0].detail == "joined" && graph.nodes[0].rowsPerSecond == 12)
        #expect(graph.nodes[3].detail == "a (embedded) columns=[k, x] [append]")
        // Two sources: the query's rows in cannot be split between them.
        #expect(graph.nodes[3].rowsPerSecond == nil && graph.nodes[4].rowsPerSecond == nil)
    }

    @Test func aQueryWithOneSourceCarriesItsRowsInOnTheScan() {
        let graph = OperatorGraph(
            explain: ["01)Project: a AS a [append]", "02)--Scan: s (embedded) columns=[a] [append]"],
            sink: "t", rowsInPerSecond: 5, rowsOutPerSecond: 5)
        #expect(graph.nodes.map(\.inputs) == [[1], [2], []])
        #expect(graph.nodes[2].rowsPerSecond == 5)
    }
}
