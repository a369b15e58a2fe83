/// Rewrites a freshly bound plan into the one that runs. `QueryBinder.bind` applies it once, to
/// the whole plan; nothing else does.
///
/// - Projection push-down: a scan decodes only the columns some operator above it reads.
/// - Join state pruning: a regular join under a projection stores only the columns the
///   projection, the join's keys and its condition read.
enum PlanOptimizer {
    static func optimize(_ plan: StreamPlan) -> StreamPlan {
        plan.rewrittenBottomUp { node in
            guard case .project(var project) = node else { return node }
            let needed = project.expressions.reduce(into: Set<Int>()) { $0.formUnion($1.referencedColumns) }
            let (input, mapping) = prune(project.input, keeping: needed)
            project.input = storingOnly(needed, input)
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

    /// `plan`, when it is a regular join of which only the `read` output columns are read, told
    /// to store just those, its keys and its condition's columns. A side read as a keyed table
    /// (an upsert key) keeps whole rows: a replaced row is retracted with all its values.
    static func storingOnly(_ read: Set<Int>, _ plan: StreamPlan) -> StreamPlan {
        guard case .join(var join) = plan, join.strategy == .regular else { return plan }
        let width = join.left.schema.count
        var stored = read.union(join.leftKeys).union(join.rightKeys.map { $0 + width })
        if let residual = join.residual { stored.formUnion(residual.referencedColumns) }
        if join.left.upsertKey != nil { stored.formUnion(0..<width) }
        if join.right.upsertKey != nil { stored.formUnion(width..<join.schema.count) }
        join.storedColumns = stored
        return .join(join)
    }
}
