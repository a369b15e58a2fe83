public import RivuletCore

/// An incremental physical plan: a tree of streaming operators from sources up to one output.
///
/// Each node states its output `schema` and whether it emits only inserts (`appendOnly`) or a
/// changelog with retractions; the runtime instantiates one operator per node.
public indirect enum StreamPlan: Sendable {
    case scan(Scan)
    case filter(Filter)
    case project(Project)
    case windowTable(WindowTable)
    case windowAggregate(WindowAggregate)
    case groupAggregate(GroupAggregate)
    case join(Join)
    case topN(TopN)
    case union(Union)
    case overAggregate(OverAggregate)
    case matchRecognize(MatchRecognize)
    case semiJoin(SemiJoin)
    case expand(Expand)
    case multisetOperation(MultisetOperation)
    case unnest(Unnest)

    /// Reads a declared source; assigns watermarks when the relation declares one.
    public struct Scan: Sendable {
        public var relation: Relation
        /// The relation's columns this scan produces, in order (projection push-down).
        public var columns: [Int]
        public var schema: Schema
        /// The watermark over the *output* columns, if any.
        public var watermark: WatermarkSpec?

        public init(relation: Relation, columns: [Int], watermark: WatermarkSpec?) {
            self.relation = relation
            self.columns = columns
            self.schema = Schema(columns.map { relation.schema[$0] })
            self.watermark = watermark
        }
    }

    public struct Filter: Sendable {
        public var input: StreamPlan
        public var predicate: BoundExpr

        public init(input: StreamPlan, predicate: BoundExpr) {
            self.input = input
            self.predicate = predicate
        }
    }

    public struct Project: Sendable {
        public var input: StreamPlan
        public var expressions: [BoundExpr]
        public var schema: Schema
        /// The output column carrying event time, if one passes through unchanged.
        public var timeColumn: Int?

        public init(input: StreamPlan, expressions: [BoundExpr], schema: Schema, timeColumn: Int? = nil) {
            self.input = input
            self.expressions = expressions
            self.schema = schema
            self.timeColumn = timeColumn
        }
    }

    /// A window table function used without aggregation: each row, once per window it belongs
    /// to, followed by `window_start`, `window_end` and `window_time` (= end − 1 ms).
    /// Tumbling, hopping and cumulating windows only.
    public struct WindowTable: Sendable {
        public var input: StreamPlan
        public var window: WindowSpec
        /// A SESSION window's partition keys (columns of the input); sessions are per key.
        public var partitionKeys: [Int]
        public var schema: Schema

        public init(input: StreamPlan, window: WindowSpec, partitionKeys: [Int] = []) {
            self.input = input
            self.window = window
            self.partitionKeys = partitionKeys
            schema = Schema(input.schema.fields + ["window_start", "window_end", "window_time"].map {
                Field($0, .timestamp3, nullable: false)
            })
        }
    }

    /// GROUP BY keys plus an event-time window. Output columns: the key columns, then
    /// `window_start`, `window_end`, then one column per aggregate.
    public struct WindowAggregate: Sendable {
        public enum Emit: Hashable, Sendable {
            /// One row per window when the watermark passes its end (+ grace).
            case final
            /// Every change as it happens, as a changelog (`EMIT CHANGES`).
            case changes
        }

        public var input: StreamPlan
        public var window: WindowSpec
        public var keys: [Int]
        public var aggregates: [AggregateCall]
        public var emit: Emit
        public var schema: Schema

        public init(input: StreamPlan, window: WindowSpec, keys: [Int], aggregates: [AggregateCall], emit: Emit, schema: Schema) {
            self.input = input
            self.window = window
            self.keys = keys
            self.aggregates = aggregates
            self.emit = emit
            self.schema = schema
        }
    }

    /// A non-windowed GROUP BY: a changelog keyed by the group keys. Output columns: the key
    /// columns, then one column per aggregate. Accepts a changelog input (retractions).
    public struct GroupAggregate: Sendable {
        public var input: StreamPlan
        public var keys: [Int]
        public var aggregates: [AggregateCall]
        public var schema: Schema
        /// A group whose last row is retracted stays, updated to its aggregates over no rows
        /// (`COUNT` 0), as a ksqlDB table aggregation keeps it; otherwise it is deleted.
        public var keepsEmptyGroups = false
        /// An update that leaves a group's result as it was is still emitted (ksqlDB emits a
        /// record per input record); otherwise it is not.
        public var emitsUnchangedUpdates = false
        /// An update whose old and new rows fall in the same group changes it once (ksqlDB
        /// subtracts the old row and adds the new one before it emits); otherwise the group's
        /// result without the old row is emitted first, as Flink processes each change.
        public var foldsUpdatesWithinGroup = false

        public init(input: StreamPlan, keys: [Int], aggregates: [AggregateCall], schema: Schema) {
            self.input = input
            self.keys = keys
            self.aggregates = aggregates
            self.schema = schema
        }
    }

    public var schema: Schema {
        switch self {
        case .scan(let node): return node.schema
        case .filter(let node): return node.input.schema
        case .project(let node): return node.schema
        case .windowTable(let node): return node.schema
        case .windowAggregate(let node): return node.schema
        case .groupAggregate(let node): return node.schema
        case .join(let node): return node.schema
        case .topN(let node): return node.schema
        case .union(let node): return node.schema
        case .overAggregate(let node): return node.schema
        case .matchRecognize(let node): return node.schema
        case .semiJoin(let node): return node.schema
        case .expand(let node): return node.schema
        case .multisetOperation(let node): return node.schema
        case .unnest(let node): return node.schema
        }
    }

    /// Whether the output holds only inserts.
    public var appendOnly: Bool {
        switch self {
        case .scan(let node): return node.relation.kind == .stream || node.relation.primaryKey.isEmpty
        case .filter(let node): return node.input.appendOnly
        case .project(let node): return node.input.appendOnly
        case .windowTable(let node): return node.input.appendOnly
        case .windowAggregate(let node): return node.emit == .final && node.input.appendOnly
        case .groupAggregate: return false
        case .join(let node): return node.appendOnly
        case .topN(let node): return node.appendOnly
        case .union(let node): return node.appendOnly
        case .overAggregate(let node): return node.input.appendOnly
        case .matchRecognize: return true
        case .semiJoin(let node): return node.appendOnly
        case .expand(let node): return node.input.appendOnly
        case .multisetOperation: return false
        case .unnest(let node): return node.input.appendOnly
        }
    }

    /// The window a window table function or window aggregate assigns rows to.
    public var window: WindowSpec? {
        switch self {
        case .windowTable(let node): return node.window
        case .windowAggregate(let node): return node.window
        default: return nil
        }
    }

    public var inputs: [StreamPlan] {
        switch self {
        case .scan: return []
        case .filter(let node): return [node.input]
        case .project(let node): return [node.input]
        case .windowTable(let node): return [node.input]
        case .windowAggregate(let node): return [node.input]
        case .groupAggregate(let node): return [node.input]
        case .join(let node): return [node.left, node.right]
        case .topN(let node): return [node.input]
        case .union(let node): return node.inputs
        case .overAggregate(let node): return [node.input]
        case .matchRecognize(let node): return [node.input]
        case .semiJoin(let node): return [node.left, node.right]
        case .expand(let node): return [node.input]
        case .multisetOperation(let node): return [node.left, node.right]
        case .unnest(let node): return [node.input]
        }
    }
}

extension StreamPlan {
    /// The same node over `inputs` (as many as `inputs` has, in the same order). The node's own
    /// schema is kept: the new inputs must produce the columns the old ones did.
    public func withInputs(_ inputs: [StreamPlan]) -> StreamPlan {
        switch self {
        case .scan:
            return self
        case .filter(var node):
            node.input = inputs[0]
            return .filter(node)
        case .project(var node):
            node.input = inputs[0]
            return .project(node)
        case .windowTable(var node):
            node.input = inputs[0]
            return .windowTable(node)
        case .windowAggregate(var node):
            node.input = inputs[0]
            return .windowAggregate(node)
        case .groupAggregate(var node):
            node.input = inputs[0]
            return .groupAggregate(node)
        case .join(var node):
            node.left = inputs[0]
            node.right = inputs[1]
            return .join(node)
        case .topN(var node):
            node.input = inputs[0]
            return .topN(node)
        case .union(var node):
            node.inputs = inputs
            return .union(node)
        case .overAggregate(var node):
            node.input = inputs[0]
            return .overAggregate(node)
        case .matchRecognize(var node):
            node.input = inputs[0]
            return .matchRecognize(node)
        case .semiJoin(var node):
            node.left = inputs[0]
            node.right = inputs[1]
            return .semiJoin(node)
        case .expand(var node):
            node.input = inputs[0]
            return .expand(node)
        case .multisetOperation(var node):
            node.left = inputs[0]
            node.right = inputs[1]
            return .multisetOperation(node)
        case .unnest(var node):
            node.input = inputs[0]
            return .unnest(node)
        }
    }

    /// The plan with `rewrite` applied to every node, inputs first: each call sees the node over
    /// its already rewritten inputs.
    public func rewrittenBottomUp(_ rewrite: (StreamPlan) -> StreamPlan) -> StreamPlan {
        let rewrittenInputs = inputs.map { $0.rewrittenBottomUp(rewrite) }
        return rewrite(inputs.isEmpty ? self : withInputs(rewrittenInputs))
    }
}
