extension StreamPlan {
    /// The operator tree as numbered, indented lines, root first:
    ///
    ///     01)Project: $0, $2 [append]
    ///     02)--TumblingWindowAggregate: ...
    public func explainLines() -> [String] {
        var lines: [String] = []
        func visit(_ plan: StreamPlan, depth: Int) {
            let number = lines.count + 1
            let prefix = (number < 10 ? "0" : "") + "\(number))" + String(repeating: "--", count: depth)
            lines.append(prefix + plan.explainText)
            for input in plan.inputs { visit(input, depth: depth + 1) }
        }
        visit(self, depth: 0)
        return lines
    }

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
