import RivuletCore
public import RivuletPlanner

/// Runs one `StreamPlan`: a tree of operators whose leaves are scans, each scan with its own
/// watermark assigner, two-input operators fed on ports 0 and 1. A plan over one source is the
/// tree with one leaf.
///
/// The driver is synchronous and owns its operators; `QueryRun` calls `step()` from one thread
/// or task. After each run of rows from a source, that source's watermark (its largest event
/// time minus the declared delay) moves up its branch; a two-input operator's watermark is the
/// minimum of its inputs'. When a bounded source ends its watermark becomes `Watermark.end`,
/// which closes every window (an embedded stream's only once every source has ended); once all
/// have ended the sink is flushed and closed.
///
/// Determinism: the sources are merged into one order that depends only on their contents,
/// never on batch sizes. The next row taken is the one whose event time is smallest among the
/// head rows of all sources, ties going to the source named first; rows of sources without
/// event time come before any timed row (tables first, then streams, each in the order the
/// query names them). Rows are taken in runs — all the rows of one source that precede every
/// other source's head — and a source that returns an empty batch (nothing available yet)
/// pauses the merge until it has rows or ends.
///
/// A batch goes through its source's watermark assigner and the row-wise operators above it
/// (filters, projections, `UNNEST`, window table functions) whole, as it is read, and what they
/// make of it is cut into runs by the rows it was made from (`PreparedBatch`): two scans of one
/// stream merged at every millisecond filter and project 8192 rows at a time, not a few.
public final class QueryPipeline {
    private struct Node {
        var op: any StreamOperator
        var parent: Int?
        var parentPort: Int
        /// The EXPLAIN line of the plan node it computes; nil for a scan's watermark assigner,
        /// which the scan's line stands for.
        var line: Int?
        /// Rows it emitted.
        var rowsOut = 0
        /// The size of its state in the last snapshot.
        var snapshotBytes: Int?
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
        /// The row-wise operators right above the scan (and its assigner), bottom up: they run
        /// on each batch as it is read.
        var rowwise: [(node: Int, op: any RowwiseOperator)] = []
        /// Where the merge hands this source's runs: the operator above `rowwise` (-1: the sink).
        var runEntry = -1
        var runEntryPort = 0
        var pending: PreparedBatch?
        var exhausted = false
        var watermark = Watermark.none
        /// Rows this source has returned, the pending batch included.
        var rowsRead = 0
        /// Whether the merge waits for this source's next row while it has none yet. A ksqlDB
        /// source and a `ChangeFollowingSource` do not: as in Kafka Streams, the others go on
        /// while it is quiet (a stream–table join joins with the table as it is).
        var waitsWhenQuiet = true
        /// An embedded stream with event time: when it ends before the other sources, its
        /// watermark stays where its rows left it until they end too, so their later rows are
        /// judged as if every row were read before the watermark moved to the end (as a join
        /// with Flink's combined watermark sees them).
        var holdsEndUntilAll = false
        /// The computed columns evaluated on each batch read, if the relation has any.
        var computed: ComputedScan?
        /// The EXPLAIN line of its scan.
        var line: Int
    }

    private let sink: any SinkWriter
    private let state: StateOptions
    private let batchSize: Int
    private let badRecordLog: BadRecordLog?
    /// Where operators record the rows they drop as late, with EXPLAIN's operator names.
    private let lateRows: (log: LateRowLog, lines: [StreamPlan.ExplainLine])?
    /// Operators, each before its inputs; nil parent: writes to the sink.
    private var nodes: [Node] = []
    private var inputs: [Input] = []
    /// Plan nodes built so far.
    private var planNodes = 0
    private var counters = QueryMetrics()
    /// The wall clock processing-time windows follow.
    private let clock: @Sendable () -> Int64
    /// The nodes that put a processing-time window's input on the clock, ticked at every step.
    private var clocks: [(node: Int, op: ProcessingTimeClock)] = []
    private var finished = false
    /// Whether the last step stopped at a source that had nothing available yet.
    public private(set) var waitingForInput = false

    /// - Parameters:
    ///   - openSource: opens the reader of one of the plan's scans (through the connectors in
    ///     `QueryRun`, an in-memory reader in tests).
    ///   - badRecordLog: the log the sources report unreadable records to; rows without an event
    ///     time are logged there too. Its count is reported as `badRecords`.
    ///   - lateRowLog: where operators record each row they drop as late; without one they
    ///     only count them.
    ///   - state: how operators hold their state (a memory budget, spilling the rest to disk).
    ///   - clock: the wall clock of processing-time windows (epoch milliseconds).
    public init(
        plan: StreamPlan, openSource: (StreamPlan.Scan) throws -> any SourceReader, sink: any SinkWriter,
        batchSize: Int = 8192, badRecordLog: BadRecordLog? = nil, lateRowLog: LateRowLog? = nil,
        state: StateOptions = StateOptions(), clock: @escaping @Sendable () -> Int64 = WallClock.now
    ) throws {
        self.state = state
        self.clock = clock
        self.sink = sink
        self.batchSize = max(1, batchSize)
        self.badRecordLog = badRecordLog
        lateRows = lateRowLog.map { ($0, plan.explained()) }
        try build(plan, parent: nil, port: 0, openSource: openSource)
        for i in inputs.indices { findRowwise(i) }
    }

    /// Collects the row-wise operators that only source `i`'s rows pass through.
    private func findRowwise(_ i: Int) {
        var node = inputs[i].entry
        var port = inputs[i].entryPort
        if inputs[i].assigner != nil, node >= 0 {
            port = nodes[node].parentPort
            node = nodes[node].parent ?? -1
        }
        while node >= 0, port == 0, let op = nodes[node].op as? any RowwiseOperator {
            inputs[i].rowwise.append((node, op))
            port = nodes[node].parentPort
            node = nodes[node].parent ?? -1
        }
        inputs[i].runEntry = node
        inputs[i].runEntryPort = port
    }

    /// Adds `plan`'s operators and opens its scans.
    private func build(
        _ plan: StreamPlan, parent: Int?, port: Int, openSource: (StreamPlan.Scan) throws -> any SourceReader
    ) throws {
        // Plan nodes are numbered as they are visited, root first and then each input in
        // order: the numbering of EXPLAIN's lines (`StreamPlan.explained()`).
        planNodes += 1
        let line = planNodes
        if case .scan(let scan) = plan {
            let computed = try ComputedScan(scan)
            var input = Input(
                reader: try openSource(computed?.storedScan ?? scan), entry: parent ?? -1, entryPort: port, assigner: nil,
                timeColumn: scan.watermark?.column, untimedRank: scan.relation.kind == .table ? 0 : 1, line: line)
            input.computed = computed
            input.waitsWhenQuiet = !scan.relation.isKsqlKafka && !(input.reader is any ChangeFollowingSource)
            input.holdsEndUntilAll = scan.relation.connector.connector == ConnectorSpec.embedded
                && scan.relation.kind == .stream && scan.watermark != nil
            if let spec = scan.watermark {
                let assigner = WatermarkAssigner(spec: spec, sourceName: scan.relation.name, badRecordLog: badRecordLog)
                nodes.append(Node(op: assigner, parent: parent, parentPort: port))
                input.assigner = assigner
                input.entry = nodes.count - 1
                input.entryPort = 0
            }
            inputs.append(input)
            return
        }
        let index = nodes.count
        let op = try OperatorFactory.make(plan, state: state)
        if let lateRows, let counter = op.lateRowCounter, lateRows.lines.indices.contains(line - 1) {
            counter.keep(in: lateRows.log, operatorName: lateRows.lines[line - 1].operatorName, inputs: plan.inputs.map(LateRowInput.init))
        }
        nodes.append(Node(op: op, parent: parent, parentPort: port, line: line))
        if let window = plan.window, window.processingTime {
            let stamp = ProcessingTimeClock(column: window.timeColumn, clock: clock)
            nodes.append(Node(op: stamp, parent: index, parentPort: 0))
            clocks.append((nodes.count - 1, stamp))
            return try build(plan.inputs[0], parent: nodes.count - 1, port: 0, openSource: openSource)
        }
        for (inputPort, input) in plan.inputs.enumerated() {
            try build(input, parent: index, port: inputPort, openSource: openSource)
        }
    }

    /// Moves every processing-time window's watermark to the clock, closing the windows it passed.
    private func tickClocks() throws {
        for (node, op) in clocks {
            guard let watermark = op.tick(), let parent = nodes[node].parent else { continue }
            try advance(node: parent, port: nodes[node].parentPort, to: watermark)
        }
    }

    /// Rows the sources returned, and rows handed to the sink: `metrics` without the rest.
    public var rowsRead: Int { counters.rowsRead }
    public var rowsWritten: Int { counters.rowsWritten }

    public var metrics: QueryMetrics {
        var current = counters
        current.lateRows = nodes.reduce(0) { $0 + $1.op.lateRows }
        current.stateSize = nodes.reduce(0) { $0 + $1.op.stateSize }
        current.badRecords = badRecordLog?.count ?? inputs.reduce(0) { $0 + ($1.assigner?.badRecords ?? 0) }
        current.watermark = inputs.map(\.watermark).min() ?? Watermark.none
        current.partitionLags = inputs.flatMap { ($0.reader as? any LagReportingSource)?.partitionLags ?? [] }
        current.operators = operatorMetrics
        current.inputProgress = inputs.compactMap { ($0.reader as? any ProgressReportingSource)?.inputProgress }.reduce(nil) {
            ($0 ?? InputProgress(read: 0, total: 0)) + $1
        }
        return current
    }

    /// Each plan node's counters, in EXPLAIN's order.
    public var operatorMetrics: [OperatorMetrics] {
        var operators = nodes.compactMap { node in
            node.line.map { line in
                OperatorMetrics(
                    line: line, rowsOut: node.rowsOut, stateSize: node.op.keepsState ? node.op.stateSize : nil,
                    stateBytes: node.op.keepsState ? node.snapshotBytes : nil)
            }
        }
        operators += inputs.map { OperatorMetrics(line: $0.line, rowsOut: $0.rowsRead) }
        return operators.sorted { $0.line < $1.line }
    }

    /// Reads and processes one run of rows. Returns false once every source is exhausted and
    /// the output has been flushed and closed.
    @discardableResult
    public func step() throws -> Bool {
        if finished { return false }
        try tickClocks()
        waitingForInput = false
        var quiet = false
        // Every source still running needs a head row before the next one can be chosen.
        for i in inputs.indices where !inputs[i].exhausted && inputs[i].pending == nil {
            guard let read = try inputs[i].reader.nextBatch(maxRows: batchSize) else {
                inputs[i].exhausted = true
                if !inputs[i].holdsEndUntilAll || inputs.allSatisfy(\.exhausted) {
                    try advance(i, to: Watermark.end)
                }
                if inputs.allSatisfy({ $0.exhausted && $0.pending == nil }) { break }
                return true
            }
            let batch = try inputs[i].computed?.apply(read) ?? read
            counters.rowsRead += batch.count
            inputs[i].rowsRead += batch.count
            if batch.count == 0 {
                // A source that has not yet read up to its partitions' ends is behind, not quiet.
                let behind = (inputs[i].reader as? any LagReportingSource)?.partitionLags.contains { $0.position < $0.end } ?? false
                if inputs[i].waitsWhenQuiet || inputs.count == 1 || behind {
                    waitingForInput = true
                    return true
                }
                quiet = true
                continue
            }
            let prepared = try prepare(i, batch)
            if prepared.isDone {
                // Every row lacked an event time; a source's own watermark may still have moved.
                try advanceAfterRun(i, to: prepared.endWatermark)
                return true
            }
            inputs[i].pending = prepared
        }
        let next = nextInput()
        if next == nil, quiet {
            waitingForInput = true
            return true
        }
        guard let chosen = next else {
            for i in inputs.indices where inputs[i].watermark != Watermark.end { try advance(i, to: Watermark.end) }
            try sink.flush()
            try sink.close()
            finished = true
            return false
        }
        let end = runEnd(of: chosen, from: inputs[chosen].pending!.offset)
        let run = inputs[chosen].pending!.take(upTo: end)
        let watermark = inputs[chosen].pending!.watermark(before: end)
        if inputs[chosen].pending!.isDone { inputs[chosen].pending = nil }
        if let run { try push([run], into: inputs[chosen].runEntry, port: inputs[chosen].runEntryPort) }
        if let watermark { try advanceAfterRun(chosen, to: watermark) }
        return true
    }

    /// Takes a batch of source `i` through its watermark assigner and row-wise operators.
    private func prepare(_ i: Int, _ batch: RowBatch) throws -> PreparedBatch {
        var read = batch
        var times: [Int64]?
        var arrivals: [Int64]?
        var endWatermark = inputs[i].watermark
        if let assigner = inputs[i].assigner, let timeColumn = inputs[i].timeColumn {
            var output = Collector()
            try assigner.process(batch, port: 0, into: &output)
            read = output.drain().first ?? batch.slice(0..<0)
            times = read.columns[timeColumn].ints
            arrivals = read.arrivalWatermarks ?? []
            endWatermark = assigner.watermark
        }
        var rows = read
        var origins: [Int]?
        for (node, op) in inputs[i].rowwise {
            let (made, from) = try op.transform(rows)
            if let from { origins = origins.map { earlier in from.map { earlier[$0] } } ?? from }
            rows = made
            nodes[node].rowsOut += made.count
        }
        return PreparedBatch(count: read.count, times: times, arrivals: arrivals, endWatermark: endWatermark, rows: rows, origins: origins)
    }

    /// Moves source `i`'s watermark after a run of its rows, from the operator its runs go to
    /// (its assigner and row-wise operators pass watermarks on as they are).
    private func advanceAfterRun(_ i: Int, to watermark: Int64) throws {
        guard watermark > inputs[i].watermark else { return }
        inputs[i].watermark = watermark
        guard inputs[i].runEntry >= 0 else { return }
        try advance(node: inputs[i].runEntry, port: inputs[i].runEntryPort, to: watermark)
    }

    /// The end of the run of `chosen`'s rows from `start` that precede every other source's head.
    private func runEnd(of chosen: Int, from start: Int) -> Int {
        let limit = min(inputs[chosen].pending!.count, start + batchSize)
        // Alone, or the only source with rows waiting: the whole batch is one run.
        if !inputs.indices.contains(where: { $0 != chosen && headKey($0) != nil }) { return limit }
        var end = start + 1
        while end < limit, precedesOthers(chosen, row: end) { end += 1 }
        return end
    }

    /// The merge key of source `i`'s row `row`: untimed rows first, then by event time.
    private func mergeKey(_ i: Int, row: Int) -> (Int, Int64) {
        guard let times = inputs[i].pending!.times else { return (inputs[i].untimedRank, Int64.min) }
        return (2, times[row])
    }

    private func headKey(_ i: Int) -> (Int, Int64)? {
        guard let pending = inputs[i].pending, !pending.isDone else { return nil }
        return mergeKey(i, row: pending.offset)
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

    /// Feeds `batches` to node `node` (the sink when -1: a plan that is a bare scan).
    private func push(_ batches: [RowBatch], into node: Int, port: Int) throws {
        guard node >= 0 else { return try write(batches) }
        var output = Collector()
        for batch in batches { try nodes[node].op.process(batch, port: port, into: &output) }
        try forward(output.drain(), from: node)
    }

    private func forward(_ batches: [RowBatch], from node: Int) throws {
        guard !batches.isEmpty else { return }
        for batch in batches { nodes[node].rowsOut += batch.count }
        if let parent = nodes[node].parent {
            try push(batches, into: parent, port: nodes[node].parentPort)
        } else {
            try write(batches)
        }
    }

    private func write(_ batches: [RowBatch]) throws {
        for batch in batches {
            try sink.write(batch)
            counters.rowsWritten += batch.count
        }
    }

    /// Moves source `i`'s watermark, and what follows from it, up the tree.
    private func advance(_ i: Int, to watermark: Int64) throws {
        inputs[i].watermark = max(inputs[i].watermark, watermark)
        guard inputs[i].entry >= 0 else { return }
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
}

extension QueryPipeline {
    /// 5: a source's pending batch as its assigner and row-wise operators made it.
    private static let checkpointFormat: UInt64 = 5

    /// Writes a consistent checkpoint of the query between two `step()`s (each step lets its run
    /// of rows flow all the way to the sink, so no row is in flight): the counters, then per
    /// source its position (or its row count, for a source that keeps no positions), whether it
    /// ended, its watermark and the batch it is part-way through, then every operator's state
    /// behind its `StateFormat`.
    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(Self.checkpointFormat)
        writer.write(counters.rowsRead)
        writer.write(counters.rowsWritten)
        writer.write(inputs.count)
        for input in inputs {
            writer.write(input.rowsRead)
            writer.write(input.exhausted)
            writer.write(input.watermark)
            if let pending = input.pending {
                writer.write(true)
                pending.write(into: &writer)
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
        for i in nodes.indices {
            let op = nodes[i].op
            writer.write(op.stateFormat.kind)
            writer.write(op.stateFormat.version)
            var written = 0
            try writer.writeSection { section in
                try op.snapshot(into: &section)
                written = section.count
            }
            nodes[i].snapshotBytes = written
        }
    }

    /// Continues from what `snapshot` wrote for the same plan, before the first step. A source
    /// without positions is read again and what it had returned dropped.
    public func restore(from reader: inout StateReader) throws {
        guard try reader.readUInt64() == Self.checkpointFormat else {
            throw SQLError(.featureNotSupported, "the checkpoint was written by another version of the checkpoint format",
                           hint: Self.startAfresh)
        }
        counters.rowsRead = try reader.readInt()
        counters.rowsWritten = try reader.readInt()
        guard try reader.readCount() == inputs.count else { throw Self.otherPlan() }
        for i in inputs.indices {
            inputs[i].rowsRead = try reader.readInt()
            inputs[i].exhausted = try reader.readBool()
            inputs[i].watermark = try reader.readInt64()
            if try reader.readBool() { inputs[i].pending = try PreparedBatch(from: &reader) }
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
            let saved = StateFormat(kind: try reader.readString(), version: try reader.readInt())
            guard saved == node.op.stateFormat else {
                throw SQLError(.featureNotSupported, "the checkpoint holds \(saved) state where the plan has \(node.op.stateFormat)",
                               hint: Self.startAfresh)
            }
            try reader.readSection { try node.op.restore(from: &$0) }
        }
    }

    /// The checkpoint written by the last `snapshot` is durable and committed by the sink: sources
    /// that keep positions may now publish them (Kafka commits them to the consumer group).
    public func checkpointCompleted(_ checkpoint: Int64) {
        for input in inputs { (input.reader as? any CheckpointableSource)?.checkpointCompleted(checkpoint) }
    }

    private static let startAfresh = "remove the query's folder under <data-dir>/queries to start it afresh"

    private static func otherPlan() -> SQLError {
        SQLError(.featureNotSupported, "the checkpoint was taken from a different plan of this query", hint: startAfresh)
    }
}
