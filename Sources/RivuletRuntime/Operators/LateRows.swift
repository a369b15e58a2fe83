public import RivuletCore
public import RivuletPlanner

/// Rows operators dropped because they came too late.
public typealias LateRowLog = BoundedLog<LateRow>

/// A row an operator dropped because the watermark it arrived under had already closed
/// everything it could belong to (its windows fired, its join partners expired).
public struct LateRow: Sendable, Hashable {
    /// The sources the row came from (a join's one side), comma-separated.
    public var source: String
    /// The EXPLAIN name of the operator that dropped it.
    public var operatorName: String
    /// The row as that operator received it: a JSON object by column name.
    public var rowJSON: String
    /// Its event time; nil when it had none.
    public var eventTime: Int64?
    /// The watermark it arrived under.
    public var watermark: Int64?
    /// The window it missed (the last one it belonged to); nil for operators without windows.
    public var windowStart: Int64?
    public var windowEnd: Int64?
    /// When it was dropped, in milliseconds since the epoch.
    public var time: Int64

    public init(
        source: String, operatorName: String, rowJSON: String, eventTime: Int64?, watermark: Int64?,
        windowStart: Int64? = nil, windowEnd: Int64? = nil, time: Int64? = nil
    ) {
        self.source = source
        self.operatorName = operatorName
        self.rowJSON = rowJSON
        self.eventTime = eventTime
        self.watermark = watermark
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.time = time ?? WallClock.now()
    }
}

/// What an operator's input holds, to describe a late row that came on it.
public struct LateRowInput: Sendable {
    /// The sources under the input, comma-separated.
    public var sources: String
    public var schema: Schema
    /// The column of the rows' event time, and of their window (rows of a window TVF).
    public var eventTimeColumn: Int?
    public var windowColumns: (start: Int, end: Int)?

    public init(sources: String, schema: Schema, eventTimeColumn: Int?, windowColumns: (start: Int, end: Int)?) {
        self.sources = sources
        self.schema = schema
        self.eventTimeColumn = eventTimeColumn
        self.windowColumns = windowColumns
    }

    /// What reaches an operator from `plan`: its columns named as the user knows them.
    public init(_ plan: StreamPlan) {
        var schema = plan.schema
        for (column, name) in Self.sourceNames(plan).enumerated() where column < schema.count {
            if let name { schema.fields[column].name = name }
        }
        self.init(
            sources: plan.sourceRelations.map(\.name).joined(separator: ", "), schema: schema,
            eventTimeColumn: plan.eventTimeColumn, windowColumns: plan.windowColumns)
    }

    /// For each column of `plan`, the name of the source column it passes on unchanged (the
    /// planner's projections name them `$0`, `$1`, ...); nil for one it computes.
    private static func sourceNames(_ plan: StreamPlan) -> [String?] {
        switch plan {
        case .scan(let scan):
            return scan.schema.fields.map(\.name)
        case .filter(let node):
            return sourceNames(node.input)
        case .project(let node):
            let inner = sourceNames(node.input)
            return node.expressions.map { expression in
                guard case .column(let index, _) = expression, inner.indices.contains(index) else { return nil }
                return inner[index]
            }
        default:
            return plan.schema.fields.map(\.name)
        }
    }
}

/// An operator's count of the rows it dropped as late; when the run keeps late rows (the
/// pipeline gives it a log), each one is recorded with its input, event time, watermark and
/// window. The count is part of the operator's checkpoint; the log is not: the run writes it
/// out as checkpoints commit.
public final class LateRowCounter {
    public private(set) var count = 0
    private var log: LateRowLog?
    private var operatorName = ""
    private var inputs: [LateRowInput] = []

    public init() {}

    /// Starts recording each dropped row into `log`, described by the operator's name and its
    /// inputs (by port).
    public func keep(in log: LateRowLog, operatorName: String, inputs: [LateRowInput]) {
        self.log = log
        self.operatorName = operatorName
        self.inputs = inputs
    }

    /// Counts row `row` of `batch`, which arrived on `port` under `watermark`, as late. `window`
    /// is the window it missed when the operator assigns windows; rows of a window TVF carry theirs.
    func drop(_ batch: RowBatch, row: Int, port: Int = 0, watermark: Int64, window: (start: Int64, end: Int64)? = nil) {
        count += 1
        guard let log, inputs.indices.contains(port) else { return }
        let input = inputs[port]
        func time(_ column: Int?) -> Int64? {
            guard let column, column < batch.columns.count, !batch.columns[column].isNull(row) else { return nil }
            return batch.columns[column].ints[row]
        }
        var missed = window
        if missed == nil, let columns = input.windowColumns, let start = time(columns.start), let end = time(columns.end) {
            missed = (start, end)
        }
        var json = "{"
        for (column, field) in input.schema.fields.enumerated() where column < batch.columns.count {
            if column > 0 { json += "," }
            ValueJSON.appendQuoted(field.name, to: &json)
            json += ":"
            ValueJSON.append(batch.columns[column].value(at: row, type: field.type), type: field.type, to: &json)
        }
        json += "}"
        log.record(LateRow(
            source: input.sources, operatorName: operatorName, rowJSON: json, eventTime: time(input.eventTimeColumn),
            watermark: watermark == Watermark.none ? nil : watermark, windowStart: missed?.start, windowEnd: missed?.end))
    }

    func restore(count: Int) {
        self.count = count
    }
}
