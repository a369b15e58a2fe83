import Foundation
public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// A system table over one kind of error log file, read from the data directory when a query
/// over it starts (a pull query: it holds what was logged by then, oldest first).
public struct ErrorLogTable: Sendable {
    public let name: String
    let fileName: String
    public let schema: Schema
    /// What the table says when a query tries to write to it.
    let readOnlyReason: String
    /// One line's values, from its JSON object (with `query` set).
    let values: @Sendable (_ line: [String: Any]) -> [Value]

    /// `rivulet_errors`: every record a query skipped because it could not be parsed or converted.
    public static let errors = ErrorLogTable(
        name: "rivulet_errors", fileName: SkippedRecord.fileName,
        schema: Schema([
            Field("query_id", .varchar), Field("source", .varchar), Field("position", .varchar), Field("raw_text", .varchar),
            Field("reason", .varchar), Field("error_time", .timestamp3), Field("checkpoint", .bigint),
        ]),
        readOnlyReason: "rows get there when a query skips a record",
        values: { line in
            [text(line["query"]), text(line["source"]), text(line["position"]), text(line["raw"]), text(line["reason"]),
             timestamp(line["time"]), number(line["checkpoint"])]
        })

    /// `rivulet_late_rows`: every row a query dropped because it came after the watermark had
    /// closed what it belonged to, with the watermark and the window it missed.
    public static let lateRows = ErrorLogTable(
        name: "rivulet_late_rows", fileName: LateRow.fileName,
        schema: Schema([
            Field("query_id", .varchar), Field("source", .varchar), Field("operator_name", .varchar), Field("row_json", .varchar),
            Field("event_time", .timestamp3), Field("watermark", .timestamp3), Field("window_start", .timestamp3),
            Field("window_end", .timestamp3), Field("dropped_at", .timestamp3), Field("checkpoint", .bigint),
        ]),
        readOnlyReason: "rows get there when a query drops a late row",
        values: { line in
            [text(line["query"]), text(line["source"]), text(line["operator"]), text(line["row"]), timestamp(line["event_time"]),
             timestamp(line["watermark"]), timestamp(line["window_start"]), timestamp(line["window_end"]),
             timestamp(line["time"]), number(line["checkpoint"])]
        })

    public static let all = [errors, lateRows]

    /// The relation the catalog knows the table by.
    public var relation: Relation {
        Relation(name: name, kind: .stream, schema: schema, connector: ConnectorSpec(connector: name, options: [:]))
    }

    /// Every logged line, oldest first: `rivulet run`'s file and each server query's.
    func rows(in dataDirectory: String) -> [[Value]] {
        let root = URL(fileURLWithPath: dataDirectory)
        var files: [(url: URL, query: String?)] = [(root.appendingPathComponent(fileName), nil)]
        let queries = root.appendingPathComponent("queries")
        for folder in ((try? FileManager.default.contentsOfDirectory(atPath: queries.path)) ?? []).sorted() {
            // A server query's folder is `server-<id>`.
            let query = folder.hasPrefix("server-") ? String(folder.dropFirst("server-".count)) : folder
            files.append((queries.appendingPathComponent(folder).appendingPathComponent(fileName), query))
        }
        var rows: [(time: Int64, row: [Value])] = []
        for file in files {
            for line in ErrorLogFile.readLines(file.url) {
                guard var object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                if object["query"] == nil { object["query"] = file.query }
                rows.append((integer(object["time"]) ?? 0, values(object)))
            }
        }
        // Stable: lines of one file keep their order.
        return rows.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element.row)
    }

}

// A line's fields as values: absent or of another JSON type, NULL.
private func text(_ value: Any?) -> Value {
    (value as? String).map(Value.string) ?? .null
}

private func timestamp(_ value: Any?) -> Value {
    integer(value).map(Value.timestamp) ?? .null
}

private func number(_ value: Any?) -> Value {
    integer(value).map(Value.int) ?? .null
}

/// A number parsed from a file (NSNumber) or set in memory (Int64).
private func integer(_ value: Any?) -> Int64? {
    (value as? Int64) ?? (value as? NSNumber)?.int64Value
}

/// Reads an error log table: `rivulet_errors` or `rivulet_late_rows`. Read-only.
public struct ErrorLogConnector: ConnectorFactory {
    let table: ErrorLogTable
    let dataDirectory: String

    public var names: [String] { [table.name] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        if asSink { throw readOnly }
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        var batch = RowBatch(types: columns.map { relation.schema[$0].type })
        for row in table.rows(in: dataDirectory) { batch.appendRow(columns.map { row[$0] }) }
        return HeldBatchReader(batch: batch)
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        throw readOnly
    }

    private var readOnly: SQLError {
        SQLError(.featureNotSupported, "'\(table.name)' is read-only: \(table.readOnlyReason)")
    }
}
