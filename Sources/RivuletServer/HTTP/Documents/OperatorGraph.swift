/// A query's operators from its sources to its sink, read from EXPLAIN's numbered lines
/// (`01)Project: ...`, `02)--Scan: ...`: the depth is the count of `--`), with the sink on top.
///
/// The engine counts rows per query, not per operator: the sink carries the query's rows out
/// per second and, when the query has one source, its scan carries the rows in per second.
struct OperatorGraph: Encodable, Sendable, Hashable {
    struct Node: Encodable, Sendable, Hashable {
        /// 0 is the sink; the others are EXPLAIN's line numbers.
        var id: Int
        /// `Scan`, `Filter`, `TumblingWindowAggregate`, ..., or `Sink`.
        var `operator`: String
        var detail: String
        /// The nodes whose rows this one reads.
        var inputs: [Int]
        var rowsPerSecond: Double?
    }

    var nodes: [Node]

    init(explain: [String], sink: String, rowsInPerSecond: Double, rowsOutPerSecond: Double) {
        var nodes = [Node(id: 0, operator: "Sink", detail: sink, inputs: [], rowsPerSecond: rowsOutPerSecond)]
        // The node last seen at each depth: a line's parent is the last one a level up.
        var open: [Int] = [0]
        for (index, line) in explain.enumerated() {
            guard let close = line.firstIndex(of: ")") else { continue }
            var rest = line[line.index(after: close)...]
            var depth = 0
            while rest.hasPrefix("--") {
                depth += 1
                rest = rest.dropFirst(2)
            }
            let id = index + 1
            let name = rest.prefix { $0 != ":" }
            let detail = rest.dropFirst(name.count).drop { $0 == ":" || $0 == " " }
            nodes.append(Node(id: id, operator: String(name), detail: String(detail), inputs: [], rowsPerSecond: nil))
            let parent = open[min(depth, open.count - 1)]
            if let at = nodes.firstIndex(where: { $0.id == parent }) { nodes[at].inputs.append(id) }
            open.removeSubrange(min(depth + 1, open.count)...)
            open.append(id)
        }
        let scans = nodes.indices.filter { nodes[$0].operator == "Scan" }
        if scans.count == 1 { nodes[scans[0]].rowsPerSecond = rowsInPerSecond }
        self.nodes = nodes
    }
}
