/// Rewrites a freshly bound plan into the one that runs. `QueryBinder.bind` applies it once, to
/// the whole plan; nothing else does.
///
/// - Projection push-down: a scan decodes only the columns some operator above it reads.
enum PlanOptimizer {
    static func optimize(_ plan: StreamPlan) -> StreamPlan {
        plan.rewrittenBottomUp { node in
            guard case .project(var project) = node else { return node }
            let needed = project.expressions.reduce(into: Set<Int>()) { $0.formUnion($1.referencedColumns) }
            let (input, mapping) = prune(project.input, keeping: needed)
            project.input = input
            project.expressions = project.expressions.map { $0.remapColumns { mapping[$0] ?? $0 } }
            return .project(project)
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
