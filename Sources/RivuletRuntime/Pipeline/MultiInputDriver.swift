import RivuletCore
import RivuletPlanner

/// Runs a plan that reads several sources (joins): a tree of operators whose leaves are scans,
/// each scan with its own watermark assigner, two-input operators fed on ports 0 and 1.
///
/// Determinism: the sources are merged into one order that depends only on their contents,
/// never on batch sizes. The next row taken is the one whose event time is smallest among the
/// head rows of all sources, ties going to the source named first; rows of sources without
/// event time come before any timed row (tables first, then streams, each in the order the
/// query names them). Rows are taken in runs — all the rows of one source that precede every
/// other source's head — and after each run that source's watermark moves up its chain; a
/// two-input operator's watermark is the minimum of its inputs'. A source that returns an
/// empty batch (nothing available yet) pauses the merge until it has rows or ends.
final class MultiInputDriver {
    private struct Node {
        var op: any StreamOperator
        var parent: Int?
        var parentPort: Int
        /// What EXPLAIN shows under this node, in port order.
        var children: [Child]
    }

    private enum Child {
        case node(Int)
        case scan(String)
    }

    private struct Input {
        var reader: any SourceReader
        /// Where its batches go: the watermark assigner, or the first operator.
        var entry: Int
        var entryPort: Int
        var assigner: WatermarkAssigner?
        var timeColumn: Int?
        /// Merge rank for sources without event time: tables before streams.
        var untimedRank: Int
        var pending: RowBatch?
        var offset = 0
        var exhausted = false
        var watermark = Watermark.none
        /// Rows this source has returned, the pending batch included.
        var rowsRead = 0
    }

    private let sink: any SinkWriter
    private let state: StateOptions
    private let batchSize: Int
    private let badRecordLog: BadRecordLog?
    private var nodes: [Node] = []
    private var inputs: [Input] = []
    private var root = 0
    private var counters = QueryMetrics()
    private var finished = false

    init(
        plan: StreamPlan, openSource: (StreamPlan.Scan) throws -> any SourceReader, sink: any SinkWriter,
        batchSize: Int, badRecordLog: BadRecordLog?, state: StateOptions = StateOptions()
    ) throws {
        self.state = state
        self.sink = sink
        self.batchSize = max(1, batchSize)
        self.badRecordLog = badRecordLog
        guard case .node(let top) = try build(plan, parent: nil, port: 0, openSource: openSource) else {
            throw SQLError.internal("a multi-input plan must have an operator at its root")
        }
        root = top
    }

    /// Adds `plan`'s operators (and opens its scans); returns what its parent sees below it.
    private func build(
        _ plan: StreamPlan, parent: Int?, port: Int, openSource: (StreamPlan.Scan) throws -> any SourceReader
    ) throws -> Child {
        if case .scan(let scan) = plan {
            guard let parent else { throw SQLError.internal("a scan cannot be the root of a multi-input plan") }
            let reader = try openSource(scan)
            let line = "Scan: \(scan.relation.name) [\(scan.schema.names.joined(separator: ", "))] connector=\(scan.relation.connector.connector)"
            var input = Input(
                reader: reader, entry: parent, entryPort: port, assigner: nil, timeColumn: scan.watermark?.column,
                untimedRank: scan.relation.kind == .table ? 0 : 1)
            if let spec = scan.watermark {
                let assigner = WatermarkAssigner(spec: spec, sourceName: scan.relation.name, badRecordLog: badRecordLog)
                nodes.append(Node(op: assigner, parent: parent, parentPort: port, children: [.scan(line)]))
                input.assigner = assigner
                input.entry = nodes.count - 1
                input.entryPort = 0
                inputs.append(input)
                return .node(nodes.count - 1)
            }
            inputs.append(input)
            return .scan(line)
        }
        let index = nodes.count
        nodes.append(Node(op: try OperatorFactory.make(plan, state: state), parent: parent, parentPort: port, children: []))
        for (inputPort, input) in plan.inputs.enumerated() {
            nodes[index].children.append(try build(input, parent: index, port: inputPort, openSource: openSource))
        }
        return .node(index)
    }

    var metrics: QueryMetrics {
        var current = counters
        current.lateRows = nodes.reduce(0) { $0 + $1.op.lateRows }
        current.stateSize = nodes.reduce(0) { $0 + $1.op.stateSize }
        current.badRecords = badRecordLog?.count ?? inputs.reduce(0) { $0 + ($1.assigner?.badRecords ?? 0) }
        current.watermark = inputs.map(\.watermark).min() ?? Watermark.none
        current.partitionLags = inputs.flatMap { ($0.reader as? any LagReportingSource)?.partitionLags ?? [] }
        return current
    }

    func checkpointCompleted(_ checkpoint: Int64) {
        for input in inputs { (input.reader as? any CheckpointableSource)?.checkpointCompleted(checkpoint) }
    }

    func explain() -> [String] {
        var lines: [String] = []
        func visit(_ child: Child, depth: Int) {
            let number = lines.count + 1
            let prefix = (number < 10 ? "0" : "") + "\(number))" + String(repeating: "--", count: depth)
            switch child {
            case .scan(let text):
                lines.append(prefix + text)
            case .node(let index):
                lines.append(prefix + nodes[index].op.describe())
                for grandchild in nodes[index].children { visit(grandchild, depth: depth + 1) }
            }
        }
        visit(.node(root), depth: 0)
        return lines
    }

    func step() throws -> Bool {
        if finished { return false }
        // Every source still running needs a head row before the next one can be chosen.
        for i in inputs.indices where !inputs[i].exhausted && inputs[i].pending == nil {
            guard let batch = try inputs[i].reader.nextBatch(maxRows: batchSize) else {
                inputs[i].exhausted = true
                try advance(i, to: Watermark.end)
                return true
            }
            counters.rowsRead += batch.count
            inputs[i].rowsRead += batch.count
            if batch.count == 0 { return true }
            inputs[i].pending = batch
            inputs[i].offset = 0
        }
        guard let chosen = nextInput() else {
            try advanceRemaining()
            try sink.flush()
            try sink.close()
            finished = true
            return false
        }
        let batch = inputs[chosen].pending!
        let start = inputs[chosen].offset
        var end = start + 1
        let limit = min(batch.count, start + batchSize)
        while end < limit, precedesOthers(chosen, row: end) { end += 1 }
        let run = start == 0 && end == batch.count ? batch : batch.gather(Array(start..<end))
        if end == batch.count {
            inputs[chosen].pending = nil
        } else {
            inputs[chosen].offset = end
        }
        try push([run], into: inputs[chosen].entry, port: inputs[chosen].entryPort)
        if let assigner = inputs[chosen].assigner, assigner.watermark > inputs[chosen].watermark {
            try advance(chosen, to: assigner.watermark)
        }
        return true
    }

    func runToCompletion() throws -> QueryMetrics {
        while try step() {}
        return metrics
    }

    /// The merge key of source `i`'s row `row`: untimed rows first, then by event time (NULL
    /// times, which the assigner drops, go first too).
    private func mergeKey(_ i: Int, row: Int) -> (Int, Int64) {
        guard let column = inputs[i].timeColumn else { return (inputs[i].untimedRank, Int64.min) }
        let times = inputs[i].pending!.columns[column]
        return times.isNull(row) ? (-1, Int64.min) : (2, times.ints[row])
    }

    private func headKey(_ i: Int) -> (Int, Int64)? {
        guard let batch = inputs[i].pending, inputs[i].offset < batch.count else { return nil }
        return mergeKey(i, row: inputs[i].offset)
    }

    private func nextInput() -> Int? {
        var best: (index: Int, key: (Int, Int64))?
        for i in inputs.indices {
            guard let key = headKey(i) else { continue }
            if best == nil || key < best!.key { best = (i, key) }
        }
        return best?.index
    }

    /// Whether row `row` of source `chosen` comes before every other source's head.
    private func precedesOthers(_ chosen: Int, row: Int) -> Bool {
        let key = mergeKey(chosen, row: row)
        for i in inputs.indices where i != chosen {
            guard let other = headKey(i) else { continue }
            if i < chosen ? !(key < other) : other < key { return false }
        }
        return true
    }

    private func push(_ batches: [RowBatch], into node: Int, port: Int) throws {
        var output = Collector()
        for batch in batches { try nodes[node].op.process(batch, port: port, into: &output) }
        try forward(output.drain(), from: node)
    }

    private func forward(_ batches: [RowBatch], from node: Int) throws {
        guard !batches.isEmpty else { return }
        if let parent = nodes[node].parent {
            try push(batches, into: parent, port: nodes[node].parentPort)
            return
        }
        for batch in batches {
            try sink.write(batch)
            counters.rowsWritten += batch.count
        }
    }

    /// Moves source `i`'s watermark, and what follows from it, up the tree.
    private func advance(_ i: Int, to watermark: Int64) throws {
        inputs[i].watermark = max(inputs[i].watermark, watermark)
        try advance(node: inputs[i].entry, port: inputs[i].entryPort, to: watermark)
    }

    private func advance(node: Int, port: Int, to watermark: Int64) throws {
        var output = Collector()
        let result = try nodes[node].op.watermarkAdvanced(to: watermark, port: port, into: &output)
        try forward(output.drain(), from: node)
        if let result, let parent = nodes[node].parent {
            try advance(node: parent, port: nodes[node].parentPort, to: result)
        }
    }

    private func advanceRemaining() throws {
        for i in inputs.indices where inputs[i].watermark != Watermark.end { try advance(i, to: Watermark.end) }
    }
}

extension MultiInputDriver {
    /// Between two steps: the counters, then per source its position (or its row count, for a
    /// source that keeps no positions), whether it ended, its watermark and the batch it is
    /// part-way through, then every operator's state.
    func snapshot(into writer: inout StateWriter) throws {
        writer.write(counters.rowsRead)
        writer.write(counters.rowsWritten)
        writer.write(inputs.count)
        for input in inputs {
            writer.write(input.rowsRead)
            writer.write(input.exhausted)
            writer.write(input.watermark)
            if let pending = input.pending {
                writer.write(true)
                writer.write(batch: pending)
                writer.write(input.offset)
            } else {
                writer.write(false)
            }
            if let source = input.reader as? any CheckpointableSource {
                writer.write(true)
                try writer.writeSection { try source.savePosition(into: &$0) }
            } else {
                writer.write(false)
            }
        }
        writer.write(nodes.count)
        for node in nodes {
            writer.write(node.op.describe())
            try writer.writeSection { try node.op.snapshot(into: &$0) }
        }
    }

    /// Continues from what `snapshot` wrote for the same plan, before the first step.
    func restore(from reader: inout StateReader) throws {
        counters.rowsRead = try reader.readInt()
        counters.rowsWritten = try reader.readInt()
        guard try reader.readCount() == inputs.count else { throw Self.otherPlan() }
        for i in inputs.indices {
            inputs[i].rowsRead = try reader.readInt()
            inputs[i].exhausted = try reader.readBool()
            inputs[i].watermark = try reader.readInt64()
            if try reader.readBool() {
                let pending = try reader.readBatch()
                let offset = try reader.readCount(limit: pending.count)
                inputs[i].pending = pending
                inputs[i].offset = offset
            }
            if try reader.readBool() {
                guard let source = inputs[i].reader as? any CheckpointableSource else {
                    throw StateReader.corrupt("a source position for a source that keeps none")
                }
                try reader.readSection { try source.restorePosition(from: &$0) }
            } else if !inputs[i].exhausted {
                // Read again and drop what the source had returned (the pending batch is in the checkpoint).
                var skipped = 0
                while skipped < inputs[i].rowsRead {
                    guard let batch = try inputs[i].reader.nextBatch(maxRows: min(batchSize, inputs[i].rowsRead - skipped)),
                          batch.count > 0 else { break }
                    skipped += batch.count
                }
            }
        }
        guard try reader.readCount() == nodes.count else { throw Self.otherPlan() }
        for node in nodes {
            let described = try reader.readString()
            guard described == node.op.describe() else {
                throw SQLError(.featureNotSupported, "the checkpoint holds '\(described)' where the plan has '\(node.op.describe())'",
                               hint: "remove the query's folder under <data-dir>/queries to start it afresh")
            }
            try reader.readSection { try node.op.restore(from: &$0) }
        }
    }

    private static func otherPlan() -> SQLError {
        SQLError(.featureNotSupported, "the checkpoint was taken from a different plan of this query",
                 hint: "remove the query's folder under <data-dir>/queries to start it afresh")
    }
}

/// The source slot of a pipeline whose sources a `MultiInputDriver` reads.
final class NoSource: SourceReader {
    func nextBatch(maxRows: Int) throws -> RowBatch? { nil }
}
