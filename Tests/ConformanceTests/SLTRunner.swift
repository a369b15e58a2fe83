import CSQLite
import Foundation
import RivuletCore
import RivuletEngine
import RivuletPlanner
import RivuletRuntime

/// Runs the records of one conformance file against a fresh engine in a scratch folder and
/// reports each mismatch with its file and line.
final class SLTRunner {
    let engine: Engine
    let scratch: URL
    /// Whether each query stops half-way through its input, saves its state, and a new run
    /// continues from that state.
    let cutHalfWay: Bool
    /// The late rows and bad records of the last query run.
    private var lastCounts: (late: Int, bad: Int)?
    private(set) var failures: [String] = []

    /// `batchSize` is how many rows sources hand over at a time; results must not depend on it,
    /// nor on a checkpoint and restore in the middle of the input (`cutHalfWay`).
    init(batchSize: Int, cutHalfWay: Bool = false) throws {
        self.cutHalfWay = cutHalfWay
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-slt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        engine = Engine(configuration: EngineConfiguration(
            workingDirectory: scratch.path, dataDirectory: scratch.appendingPathComponent("data").path, batchSize: batchSize))
    }

    deinit {
        try? FileManager.default.removeItem(at: scratch)
    }

    func run(_ file: SLTFile) {
        for located in file.records {
            let place = "\(located.file.components(separatedBy: "/conformance/").last ?? located.file):\(located.line)"
            do {
                try run(located.record, place: place)
            } catch let error as SQLError {
                failures.append("\(place): unexpected error \(error.rendered(source: sqlText(located.record)))")
            } catch {
                failures.append("\(place): unexpected error \(error)")
            }
        }
    }

    private func sqlText(_ record: SLTFile.Record) -> String? {
        switch record {
        case .statementOK(let sql), .statementError(_, _, let sql), .query(_, _, let sql, _): return sql
        default: return nil
        }
    }

    /// Executes every statement of `sql`; queries run to completion. Returns the rows of the
    /// last statement that has any (a query's emitted rows, or SHOW/DESCRIBE/EXPLAIN output).
    @discardableResult
    private func execute(_ sql: String) throws -> ResultSet? {
        var rows: ResultSet?
        for result in try engine.execute(script: sql) {
            switch result {
            case .completed: break
            case .rows(let set): rows = set
            case .query, .persistentQuery, .persistentQueries:
                for query in result.queries {
                    if cutHalfWay {
                        rows = try runCutHalfWay(query)
                    } else {
                        let report = try engine.run(query)
                        lastCounts = (report.lateRows, report.badRecords)
                        rows = report.result
                    }
                }
            }
        }
        return rows
    }

    private func run(_ record: SLTFile.Record, place: String) throws {
        switch record {
        case .statementOK(let sql):
            try execute(sql)
        case .statementError(let state, let pattern, let sql):
            if state == "parse" {
                failures.append("\(place): cannot read the file: \(pattern ?? "")")
                return
            }
            do {
                try execute(sql)
                failures.append("\(place): expected error \(state), but the statement succeeded")
            } catch let error as SQLError {
                if error.state.code != state {
                    failures.append("\(place): expected error \(state), got \(error.state.code): \(error.message)")
                } else if let pattern, error.message.range(of: pattern, options: [.regularExpression, .caseInsensitive]) == nil {
                    failures.append("\(place): error message '\(error.message)' does not match /\(pattern)/")
                }
            }
        case .query(let types, let mode, let sql, let expected):
            guard let result = try execute(sql) else {
                failures.append("\(place): the query produced no result set")
                return
            }
            var actual: [String]
            switch mode {
            case .changelog:
                let kinds = result.kinds ?? Array(repeating: .insert, count: result.rows.count)
                actual = zip(kinds, result.rows).map { kind, row in kind.description + " " + SLTValueFormat.line(row) }
            case .ordered, .rowsort:
                actual = result.materialized().rows.map(SLTValueFormat.line)
            }
            if result.schema.count != types.count {
                failures.append("\(place): the query returns \(result.schema.count) columns, the case declares \(types.count) ('\(types)')")
            }
            compare(expected: expected, actual: actual, sorted: mode == .rowsort, place: place)
        case .sinkQuery(_, let relationName, let expected):
            guard let relation = engine.catalog.relation(named: relationName) else {
                failures.append("\(place): no table '\(relationName)'")
                return
            }
            compare(expected: expected, actual: try SinkReader.rows(of: relation, in: scratch), sorted: false, place: place)
        case .checkLate(let n):
            let late = lastCounts?.late ?? -1
            if late != n { failures.append("\(place): expected \(n) late rows, the last query dropped \(late)") }
        case .checkBad(let n):
            let bad = lastCounts?.bad ?? -1
            if bad != n { failures.append("\(place): expected \(n) bad records, the last query skipped \(bad)") }
        }
    }

    /// Runs `prepared` in two runs: the first stops once it has read half of the rows the query
    /// reads and saves its state; the second starts from that state and runs to the end. A
    /// SELECT's rows are those of both runs; a sink gets the first run's rows, then the second's.
    private func runCutHalfWay(_ prepared: PreparedQuery) throws -> ResultSet? {
        let connectors = engine.connectors
        var options = QueryRun.Options()
        options.batchSize = engine.configuration.batchSize
        options.badRecords = BadRecordLog()
        // How many rows the query reads, counted by a run that keeps its rows to itself.
        let counting = try QueryRun(PreparedQuery(query: prepared.query, sink: nil, sql: prepared.sql), connectors: connectors, options: options)
        while try counting.step() != .finished {}
        let half = counting.metrics.rowsRead / 2

        let log = BadRecordLog()
        options.badRecords = log
        var rows: [[Value]] = []
        var kinds: [RowKind] = []
        let first = try QueryRun(prepared, connectors: connectors, options: options)
        while first.metrics.rowsRead < half, try first.step() != .finished {}
        options.startState = try first.saveState()
        (rows, kinds) = first.takeRows()
        first.abandon()

        let second = try QueryRun(prepared, connectors: connectors, options: options)
        while try second.step() != .finished {}
        let (more, moreKinds) = second.takeRows()
        rows += more
        kinds += moreKinds
        lastCounts = (second.metrics.lateRows, log.count)
        guard prepared.sink == nil else { return nil }
        let changelog = kinds.contains { $0 != .insert }
        return ResultSet(schema: prepared.query.schema, rows: rows, kinds: changelog ? kinds : nil).presented(for: prepared.query)
    }

    private func compare(expected: [String], actual: [String], sorted: Bool, place: String) {
        let e = sorted ? expected.sorted() : expected
        let a = sorted ? actual.sorted() : actual
        guard e != a else { return }
        var message = "\(place): result differs\n  expected (\(e.count) rows):\n"
        message += e.map { "    " + $0 }.joined(separator: "\n")
        message += "\n  actual (\(a.count) rows):\n" + a.map { "    " + $0 }.joined(separator: "\n")
        failures.append(message)
    }
}

/// Prints values the way conformance files write them.
enum SLTValueFormat {
    static func line(_ row: [Value]) -> String {
        row.map(text).joined(separator: " ")
    }

    static func text(_ value: Value) -> String {
        switch value {
        case .null: return "NULL"
        case .boolean(let b): return b ? "true" : "false"
        case .string(let s): return s.isEmpty ? "(empty)" : s
        // NaN and the infinities as Flink and Java print them.
        case .double(let d): return d.isFinite ? "\(d)" : DoubleFormat.text(d)
        case .timestamp(let ms): return TimeFormat.timestampText(ms).replacingOccurrences(of: " ", with: "T")
        default: return value.description
        }
    }
}

/// Reads what an upsert sink stored, straight from its SQLite file, ordered by primary key.
enum SinkReader {
    struct SinkError: Error, CustomStringConvertible {
        var description: String
    }

    static func rows(of relation: Relation, in folder: URL) throws -> [String] {
        guard let path = relation.connector["path"], let table = relation.connector["table"] ?? Optional(relation.name) else {
            throw SinkError(description: "'\(relation.name)' is not a sqlite table")
        }
        let file = path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
        var db: OpaquePointer?
        guard sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            throw SinkError(description: "cannot open \(file)")
        }
        defer { sqlite3_close(db) }
        let order = relation.primaryKey.map { "\"\(relation.schema[$0].name)\"" }
        let sql = "SELECT * FROM \"\(table)\"" + (order.isEmpty ? "" : " ORDER BY " + order.joined(separator: ", "))
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw SinkError(description: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        var lines: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            var cells: [String] = []
            for column in 0..<Int(sqlite3_column_count(statement)) {
                let type = column < relation.schema.count ? relation.schema[column].type : .varchar
                cells.append(cell(statement, Int32(column), type: type))
            }
            lines.append(cells.joined(separator: " "))
        }
        return lines
    }

    private static func cell(_ statement: OpaquePointer?, _ column: Int32, type: SQLType) -> String {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return "NULL"
        case SQLITE_INTEGER:
            let v = sqlite3_column_int64(statement, column)
            if type == .boolean { return v != 0 ? "true" : "false" }
            if case .decimal(_, let scale) = type { return DecimalFormat.text(unscaled: Int128(v), scale: scale) }
            return String(v)
        case SQLITE_FLOAT:
            return "\(sqlite3_column_double(statement, column))"
        default:
            let text = String(cString: sqlite3_column_text(statement, column))
            if type.isTimestamp { return text.replacingOccurrences(of: " ", with: "T") }
            return text.isEmpty ? "(empty)" : text
        }
    }
}
