import RivuletCore
import RivuletPlanner

/// Instantiates the operator that computes one plan node (its inputs are built separately).
enum OperatorFactory {
    static func make(_ plan: StreamPlan, state: StateOptions = StateOptions()) throws -> any StreamOperator {
        switch plan {
        case .scan:
            throw SQLError.internal("a scan is a source, not an operator")
        case .filter(let node):
            return try Filter(predicate: node.predicate)
        case .project(let node):
            return try Project(expressions: node.expressions)
        case .windowTable(let node):
            if case .session = node.window.kind { return try SessionWindowTable(node) }
            return try WindowTableFunction(node)
        case .unnest(let node):
            return try Unnest(node)
        case .windowAggregate(let node):
            switch node.window.kind {
            case .tumble: return try TumblingWindowAggregate(node)
            case .hop, .cumulate, .attached: return try HoppingWindowAggregate(node)
            case .session: return try SessionWindowAggregate(node)
            }
        case .groupAggregate(let node):
            return try GroupAggregate(node, options: state)
        case .join(let node):
            switch node.strategy {
            case .regular: return try RegularJoin(node, options: state)
            case .interval: return try IntervalJoin(node)
            case .window: return try WindowJoin(node)
            case .streamTable: return try StreamTableJoin(node)
            case .temporal: return try TemporalJoin(node)
            }
        case .topN(let node):
            if node.windowEnd != nil { return try WindowTopN(node) }
            if node.runsAsDeduplication { return try Deduplicate(node, options: state) }
            return try TopN(node, options: state)
        case .union(let node):
            return Union(node)
        case .overAggregate(let node):
            return try OverAggregate(node)
        case .matchRecognize(let node):
            return try PatternRecognition(node)
        case .semiJoin(let node):
            if node.windowEnd != nil { return try WindowSemiJoin(node) }
            return SemiJoin(node)
        case .expand(let node):
            return try Expand(node)
        case .multisetOperation(let node):
            return MultisetOperation(node)
        }
    }
}
