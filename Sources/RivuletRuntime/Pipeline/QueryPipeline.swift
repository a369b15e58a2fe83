import RivuletCore
public import RivuletPlanner

/// Runs one `StreamPlan`: reads its source in batches, pushes them through the chain of
/// operators, propagates watermarks, and writes the output to a sink.
///
/// The driver is synchronous and owns its operators; a server calls `step()` from one task,
/// `rivulet run` calls `runToCompletion()`. After each source batch the source's watermark
/// (its largest event time minus the declared delay) moves down the chain; each operator's
/// input watermark is that of its one input. When a bounded source ends the watermark
/// becomes `Watermark.end`, which closes every window, and the sink is flushed and closed.
public final class QueryPipeline {
    private struct Stage {
        var op: any StreamOperator
        var depth: Int
    }

    private let source: any SourceReader
    private let sink: any SinkWriter
    private let batchSize: Int
    private let badRecordLog: BadRecordLog?
    /// Operators from the source up to the output.
    private var stages: [Stage] = []
    private var assigner: WatermarkAssigner?
    private var scanLine: (text: String, depth: Int) = ("", 0)
    private var counters = QueryMetrics()
    private var finished = false
    /// Plans with several sources (joins) run on this driver instead.
    private var multiInput: MultiInputDriver?

    /// - Parameters:
    ///   - openSource: opens the reader for the plan's scan (through a `ConnectorRegistry` in
    ///     the server, an in-memory reader in tests).
    ///   - badRecordLog: the log the source reports unreadable records to; rows without an event
    ///     time are logged there too. Its count is reported as `badRecords`.
    ///   - state: how operators hold their state (a memory budget, spilling the rest to disk).
    public init(
        plan: StreamPlan, openSource: (StreamPlan.Scan) throws -> any SourceReader, sink: any SinkWriter,
        batchSize: Int = 8192, badRecordLog: BadRecordLog? = nil, state: StateOptions = StateOptions()
    ) throws {
        self.sink = sink
        self.batchSize = max(1, batchSize)
        self.badRecordLog = badRecordLog
        if plan.scanCount > 1 {
            multiInput = try MultiInputDriver(
                plan: plan, openSource: openSource, sink: sink, batchSize: batchSize, badRecordLog: badRecordLog, state: state)
            source = NoSource()
            return
        }
        var opened: (any SourceReader)?
        try Self.build(plan, depth: 0, into: &stages, source: &opened, assigner: &assigner, scanLine: &scanLine,
                       openSource: openSource, badRecordLog: badRecordLog, state: state)
        guard let opened else { throw SQLError.internal("plan has no source") }
        source = opened
    }

    /// Reads and processes one source batch. Returns false once the source is exhausted and
    /// the output has been flushed and closed.
    @discardableResult
    public func step() throws -> Bool {
        if let multiInput { return try multiInput.step() }
        if finished { return false }
        guard let batch = try source.nextBatch(maxRows: batchSize) else {
            try finish()
            return false
        }
        counters.rowsRead += batch.count
        guard batch.count > 0 else { return true }
        try push([batch], from: 0)
        if let assigner, assigner.watermark > counters.watermark {
            try advance(to: assigner.watermark)
        }
        return true
    }

    /// Runs until a bounded source is exhausted; returns the final metrics.
    @discardableResult
    public func runToCompletion() throws -> QueryMetrics {
        while try step() {}
        return metrics
    }

    public var metrics: QueryMetrics {
        if let multiInput { return multiInput.metrics }
        var current = counters
        current.lateRows = stages.reduce(0) { $0 + $1.op.lateRows }
        current.stateSize = stages.reduce(0) { $0 + $1.op.stateSize }
        current.badRecords = badRecordLog?.count ?? (assigner?.badRecords ?? 0)
        current.partitionLags = (source as? any LagReportingSource)?.partitionLags ?? []
        return current
    }

    /// Writes a consistent checkpoint of the query, between two `step()`s (each step lets its
    /// batch flow all the way to the sink, so no row is in flight): the counters, the source's
    /// position and every operator's state (every source's, for plans with joins).
    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(Self.checkpointFormat)
        if let multiInput {
            writer.write(true)
            try multiInput.snapshot(into: &writer)
            return
        }
        writer.write(false)
        writer.write(counters.rowsRead)
        writer.write(counters.rowsWritten)
        writer.write(counters.watermark)
        if let source = source as? any CheckpointableSource {
            writer.write(true)
            try writer.writeSection { try source.savePosition(into: &$0) }
        } else {
            writer.write(false)
        }
        writer.write(stages.count)
        for stage in stages {
            writer.write(stage.op.describe())
            try writer.writeSection { try stage.op.snapshot(into: &$0) }
        }
    }

    /// Continues from a checkpoint written by `snapshot` of the same plan, before the first `step()`.
    /// A source without positions is read and discarded up to where the checkpoint was taken.
    public func restore(from reader: inout StateReader) throws {
        guard try reader.readUInt64() == Self.checkpointFormat else {
            throw StateReader.corrupt("a checkpoint written by another version of the format")
        }
        guard try reader.readBool() == (multiInput != nil) else {
            throw SQLError(.featureNotSupported, "the checkpoint was taken from a different plan of this query",
                           hint: "remove the query's folder under <data-dir>/queries to start it afresh")
        }
        if let multiInput {
            try multiInput.restore(from: &reader)
            return
        }
        counters.rowsRead = try reader.readInt()
        counters.rowsWritten = try reader.readInt()
        counters.watermark = try reader.readInt64()
        if try reader.readBool() {
            guard let source = source as? any CheckpointableSource else {
                throw StateReader.corrupt("a source position for a source that keeps none")
            }
            try reader.readSection { try source.restorePosition(from: &$0) }
        } else {
            var skipped = 0
            while skipped < counters.rowsRead {
                guard let batch = try source.nextBatch(maxRows: min(batchSize, counters.rowsRead - skipped)) else { break }
                skipped += batch.count
            }
        }
        guard try reader.readCount() == stages.count else {
            throw SQLError(.featureNotSupported, "the checkpoint was taken from a different plan of this query",
                           hint: "remove the query's folder under <data-dir>/queries to start it afresh")
        }
        for stage in stages {
            let described = try reader.readString()
            guard described == stage.op.describe() else {
                throw SQLError(.featureNotSupported, "the checkpoint holds '\(described)' where the plan has '\(stage.op.describe())'",
                               hint: "remove the query's folder under <data-dir>/queries to start it afresh")
            }
            try reader.readSection { try stage.op.restore(from: &$0) }
        }
    }

    private static let checkpointFormat: UInt64 = 2

    /// The checkpoint written by the last `snapshot` is durable and committed by the sink: sources
    /// that keep positions may now publish them (Kafka commits them to the consumer group).
    public func checkpointCompleted(_ checkpoint: Int64) {
        if let multiInput { return multiInput.checkpointCompleted(checkpoint) }
        (source as? any CheckpointableSource)?.checkpointCompleted(checkpoint)
    }

    /// The operator tree, output first: `01)TumblingWindowAggregate: ...`, `02)--Filter: ...`.
    public func explain() -> [String] {
        if let multiInput { return multiInput.explain() }
        var lines = stages.reversed().map { ($0.op.describe(), $0.depth) }
        lines.append(scanLine)
        return lines.enumerated().map { i, line in
            let number = i + 1 < 10 ? "0\(i + 1)" : "\(i + 1)"
            return number + ")" + String(repeating: "--", count: line.1) + line.0
        }
    }

    private func push(_ batches: [RowBatch], from first: Int) throws {
        var batches = batches
        for index in first..<stages.count {
            guard !batches.isEmpty else { return }
            var output = Collector()
            for batch in batches { try stages[index].op.process(batch, port: 0, into: &output) }
            batches = output.drain()
        }
        for batch in batches {
            try sink.write(batch)
            counters.rowsWritten += batch.count
        }
    }

    private func advance(to watermark: Int64) throws {
        counters.watermark = watermark
        var current = watermark
        for index in stages.indices {
            var output = Collector()
            current = try stages[index].op.watermarkAdvanced(to: current, port: 0, into: &output) ?? current
            try push(output.drain(), from: index + 1)
        }
    }

    private func finish() throws {
        try advance(to: Watermark.end)
        try sink.flush()
        try sink.close()
        finished = true
    }

    /// Appends the operators of `plan` (inputs first) and opens its source.
    private static func build(
        _ plan: StreamPlan, depth: Int, into stages: inout [Stage], source: inout (any SourceReader)?,
        assigner: inout WatermarkAssigner?, scanLine: inout (text: String, depth: Int),
        openSource: (StreamPlan.Scan) throws -> any SourceReader, badRecordLog: BadRecordLog?, state: StateOptions
    ) throws {
        func recurse(_ input: StreamPlan, _ inputDepth: Int) throws {
            try build(input, depth: inputDepth, into: &stages, source: &source, assigner: &assigner, scanLine: &scanLine,
                      openSource: openSource, badRecordLog: badRecordLog, state: state)
        }
        let op: any StreamOperator
        switch plan {
        case .scan(let scan):
            guard source == nil else { throw SQLError.unsupported("a query over more than one source") }
            source = try openSource(scan)
            let columns = scan.schema.names.joined(separator: ", ")
            var depth = depth
            if let spec = scan.watermark {
                let watermarks = WatermarkAssigner(spec: spec, sourceName: scan.relation.name, badRecordLog: badRecordLog)
                assigner = watermarks
                stages.append(Stage(op: watermarks, depth: depth))
                depth += 1
            }
            scanLine = ("Scan: \(scan.relation.name) [\(columns)] connector=\(scan.relation.connector.connector)", depth)
            return
        case .filter(let node):
            try recurse(node.input, depth + 1)
            op = try Filter(predicate: node.predicate)
        case .project(let node):
            try recurse(node.input, depth + 1)
            op = try Project(expressions: node.expressions)
        case .windowTable(let node):
            try recurse(node.input, depth + 1)
            op = try WindowTableFunction(node)
        case .windowAggregate(let node):
            try recurse(node.input, depth + 1)
            switch node.window.kind {
            case .tumble: op = try TumblingWindowAggregate(node)
            case .hop, .cumulate: op = try HoppingWindowAggregate(node)
            case .session: op = try SessionWindowAggregate(node)
            }
        case .groupAggregate(let node):
            try recurse(node.input, depth + 1)
            op = try GroupAggregate(node, options: state)
        case .topN(let node):
            try recurse(node.input, depth + 1)
            op = try OperatorFactory.make(plan)
        case .join:
            throw SQLError.internal("a join runs on the multi-input driver")
        }
        stages.append(Stage(op: op, depth: depth))
    }
}
