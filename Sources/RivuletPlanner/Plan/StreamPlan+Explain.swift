extension StreamPlan {
    /// One node of the operator tree as EXPLAIN shows it: its numbered line, and that line's parts.
    public struct ExplainLine: Sendable, Hashable {
        /// 1 for the root, then each node's inputs in order, depth first: the order a query's
        /// operators are built in, so the runtime reports each operator under its line's number.
        public var number: Int
        /// `Scan`, `Filter`, `TumblingWindowAggregate`, ...
        public var operatorName: String
        /// What follows the name.
        public var detail: String
        /// The numbers of the lines of the node's inputs.
        public var inputs: [Int]
        /// `02)--Filter: ...`: the number, a `--` per level below the root, the name and the detail.
        public var text: String

        public init(number: Int, operatorName: String, detail: String, inputs: [Int], text: String) {
            self.number = number
            self.operatorName = operatorName
            self.detail = detail
            self.inputs = inputs
            self.text = text
        }
    }

    /// The operator tree as numbered, indented lines, root first:
    ///
    ///     01)Project: $0, $2 [append]
    ///     02)--TumblingWindowAggregate: ...
    public func explainLines() -> [String] { explained().map(\.text) }

    /// The operator tree, a line per node, as `explainLines()` prints it.
    public func explained() -> [ExplainLine] {
        var lines: [ExplainLine] = []
        @discardableResult
        func visit(_ plan: StreamPlan, depth: Int) -> Int {
            let number = lines.count + 1
            let text = plan.explainText
            let name = text.prefix { $0 != ":" }
            let prefix = (number < 10 ? "0" : "") + "\(number))" + String(repeating: "--", count: depth)
            lines.append(ExplainLine(
                number: number, operatorName: String(name), detail: String(text.dropFirst(name.count + 2)), inputs: [],
                text: prefix + text))
            lines[number - 1].inputs = plan.inputs.map { visit($0, depth: depth + 1) }
            return number
        }
        visit(self, depth: 0)
        return lines
    }

    /// `Name: detail`, which `explained()` splits at the first colon.
    private var explainText: String {
        let output = appendOnly ? "[append]" : "[changelog]"
        switch self {
        case .scan(let node) where node.relation.isOneRow:
            return "Values: 1 row \(output)"
        case .scan(let node):
            let columns = node.columns.map { node.relation.schema[$0].name }.joined(separator: ", ")
            var text = "Scan: \(node.relation.name) (\(node.relation.connector.connector)) columns=[\(columns)]"
            if let watermark = node.watermark {
                text += " watermark=\(node.schema[watermark.column].name) - \(watermark.delayMillis)ms"
            }
            return text + " " + output
        case .filter(let node):
            return "Filter: \(node.predicate.sqlText) \(output)"
        case .project(let node):
            let items = zip(node.expressions, node.schema.fields).map { expr, field in "\(expr.sqlText) AS \(field.name)" }
            return "Project: \(items.joined(separator: ", ")) \(output)"
        case .windowTable(let node):
            return "WindowTableFunction: \(node.window) \(output)"
        case .unnest(let node):
            let arrays = ([node.argument] + node.alongside).map(\.sqlText).joined(separator: ", ")
            return "Unnest: \(arrays)\(node.withOrdinality ? " WITH ORDINALITY" : "") \(output)"
        case .windowAggregate(let node):
            let name: String
            switch node.window.kind {
            case .tumble: name = "TumblingWindowAggregate"
            case .hop: name = "HoppingWindowAggregate"
            case .cumulate: name = "CumulatingWindowAggregate"
            case .session: name = "SessionWindowAggregate"
            case .attached: name = "CascadingWindowAggregate"
            }
            let keys = node.keys.map { "$\($0)" }.joined(separator: ", ")
            let aggregates = node.aggregates.map(\.description).joined(separator: ", ")
            return "\(name): \(node.window) key=[\(keys)] aggregates=[\(aggregates)] emit=\(node.emit == .final ? "final" : "changes")"
                + " state=open windows per key \(output)"
        case .groupAggregate(let node):
            let keys = node.keys.map { "$\($0)" }.joined(separator: ", ")
            let aggregates = node.aggregates.map(\.description).joined(separator: ", ")
            return "GroupAggregate: key=[\(keys)] aggregates=[\(aggregates)] state=accumulators per key \(output)"
        case .join(let node):
            return node.explainText + " " + output
        case .topN(let node):
            return node.explainText + " " + output
        case .overAggregate(let node):
            return node.explainText + " " + output
        case .matchRecognize(let node):
            return node.explainText + " " + output
        case .multisetOperation(let node):
            return node.explainText + " " + output
        case .expand(let node):
            return node.explainText + " " + output
        case .semiJoin(let node):
            return node.explainText + " " + output
        case .union(let node):
            return "Union: \(node.inputs.count) inputs \(output)"
        }
    }
}
