public import RivuletCore
public import RivuletPlanner

/// What executing one statement produced.
public enum StatementResult {
    /// A statement with no rows (DDL, SET, INSERT ... VALUES); the text says what happened.
    case completed(String)
    /// A static result (SHOW, DESCRIBE, EXPLAIN).
    case rows(ResultSet)
    /// A SELECT, ready to run; its rows go to the caller.
    case query(PreparedQuery)
    /// INSERT INTO ... SELECT or CREATE ... AS SELECT, ready to run into its sink.
    case persistentQuery(PreparedQuery)
}

/// A planned query and where its output goes.
public struct PreparedQuery: Sendable {
    public var query: BoundQuery
    /// The sink relation; nil when rows go back to the caller.
    public var sink: Relation?
    /// The statement's SQL text.
    public var sql: String

    public init(query: BoundQuery, sink: Relation?, sql: String) {
        self.query = query
        self.sink = sink
        self.sql = sql
    }
}

/// Rows with their column names and types; `kinds` is set when the rows are a changelog.
public struct ResultSet: Sendable {
    public var schema: Schema
    public var rows: [[Value]]
    public var kinds: [RowKind]?

    public init(schema: Schema, rows: [[Value]], kinds: [RowKind]? = nil) {
        self.schema = schema
        self.rows = rows
        self.kinds = kinds
    }

    /// The changelog applied to a multiset: inserts and update-afters add a row,
    /// update-befores and deletes remove one. Order of the surviving rows is kept.
    public func materialized() -> ResultSet {
        guard let kinds else { return self }
        var live: [[Value]?] = []
        var positions: [[Value]: [Int]] = [:]
        for (row, kind) in zip(rows, kinds) {
            if kind.isAccumulate {
                positions[row, default: []].append(live.count)
                live.append(row)
            } else if var slots = positions[row], let last = slots.popLast() {
                live[last] = nil
                positions[row] = slots
            }
        }
        return ResultSet(schema: schema, rows: live.compactMap { $0 })
    }
}

/// What running a query to completion measured.
public struct QueryReport: Sendable {
    public var id: String
    public var sql: String
    public var rowsIn: Int
    public var rowsOut: Int
    public var lateRows: Int
    public var badRecords: Int
    public var seconds: Double
    /// Rows (or keys and windows) held in state at the end.
    public var stateSize: Int
    /// For a SELECT: the rows it emitted.
    public var result: ResultSet?
    /// For a query run with checkpoints: what they did.
    public var checkpoints: CheckpointSummary? = nil
    /// The folder under `<data-dir>/queries` of the query's checkpoints, and the id its bad
    /// records are tagged with.
    public var checkpointFolder: String
}
