/// Rewrites a freshly bound plan into the one that runs: today, projection push-down, so a
/// scan decodes only the columns some operator above it reads.
public enum PlanOptimizer {
    public static func optimize(_ plan: StreamPlan) -> StreamPlan {
        switch plan {
        case .scan:
            return plan
        case .filter(var node):
            node.input = optimize(node.input)
            return .filter(node)
        case .project(var node):
            let needed = node.expressions.reduce(into: Set<Int>()) { $0.formUnion($1.referencedColumns) }
            let (input, mapping) = prune(optimize(node.input), keeping: needed)
            node.input = input
            node.expressions = node.expressions.map { $0.remapColumns { mapping[$0] ?? $0 } }
            return .project(node)
        case .windowTable(var node):
            node.input = optimize(node.input)
            return .windowTable(node)
        case .windowAggregate(var node):
            node.input = optimize(node.input)
            return .windowAggregate(node)
        case .groupAggregate(var node):
            node.input = optimize(node.input)
            return .groupAggregate(node)
        case .join(var node):
            node.left = optimize(node.left)
            node.right = optimize(node.right)
            return .join(node)
        case .topN(var node):
            node.input = optimize(node.input)
            return .topN(node)
        }
    }

    /// `plan` reduced to at least the `needed` columns (plus what its own operators read), and
    /// where each old column index went. Only scans and the filters above them shrink.
    static func prune(_ plan: StreamPlan, keeping needed: Set<Int>) -> (StreamPlan, [Int: Int]) {
        switch plan {
        case .scan(let scan):
            var keep = needed
            if let watermark = scan.watermark { keep.insert(watermark.column) }
            let kept = keep.sorted()
            var mapping: [Int: Int] = [:]
            for (new, old) in kept.enumerated() { mapping[old] = new }
            var pruned = StreamPlan.Scan(relation: scan.relation, columns: kept.map { scan.columns[$0] }, watermark: nil)
            if let watermark = scan.watermark {
                pruned.watermark = WatermarkSpec(column: mapping[watermark.column]!, delayMillis: watermark.delayMillis)
            }
            return (.scan(pruned), mapping)
        case .filter(var node):
            let (input, mapping) = prune(node.input, keeping: needed.union(node.predicate.referencedColumns))
            node.input = input
            node.predicate = node.predicate.remapColumns { mapping[$0] ?? $0 }
            return (.filter(node), mapping)
        default:
            let all = Dictionary(uniqueKeysWithValues: plan.schema.fields.indices.map { ($0, $0) })
            return (plan, all)
        }
    }
}
