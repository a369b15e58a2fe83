import Foundation
public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// The `rivulet_errors` system table: every record a query skipped because it could not be
/// parsed or converted, read from the error log files in the data directory when a query over
/// it starts (a pull query: it holds what was logged by then, newest last).
public struct ErrorLogConnector: ConnectorFactory {
    public static let name = "rivulet_errors"

    /// The relation the catalog knows the error log by.
    public static let relation = Relation(
        name: name, kind: .stream,
        schema: Schema([
            Field("query_id", .varchar), Field("source", .varchar), Field("position", .varchar), Field("raw_text", .varchar),
            Field("reason", .varchar), Field("error_time", .timestamp3), Field("checkpoint", .bigint),
        ]),
        connector: ConnectorSpec(connector: name, options: [:]))

    let dataDirectory: String

    public var names: [String] { [Self.name] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        if asSink { throw SQLError(.featureNotSupported, "'\(Self.name)' is read-only: rows get there when a query skips a record") }
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        let rows = Self.rows(in: dataDirectory)
        var batch = RowBatch(types: columns.map { relation.schema[$0].type })
        for row in rows { batch.appendRow(columns.map { row[$0] }) }
        return HeldBatchReader(batch: batch)
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        throw SQLError(.featureNotSupported, "'\(Self.name)' is read-only: rows get there when a query skips a record")
    }

    /// Every logged record, oldest first: `rivulet run`'s file and each server query's.
    static func rows(in dataDirectory: String) -> [[Value]] {
        let root = URL(fileURLWithPath: dataDirectory)
        var files: [(url: URL, query: String?)] = [(root.appendingPathComponent(ErrorLogFile.fileName), nil)]
        let queries = root.appendingPathComponent("queries")
        for folder in ((try? FileManager.default.contentsOfDirectory(atPath: queries.path)) ?? []).sorted() {
            // A server query's folder is `server-<id>`.
            let query = folder.hasPrefix("server-") ? String(folder.dropFirst("server-".count)) : folder
            files.append((queries.appendingPathComponent(folder).appendingPathComponent(ErrorLogFile.fileName), query))
        }
        var rows: [(time: Int64, row: [Value])] = []
        for file in files {
            for line in ErrorLogFile.readLines(file.url) {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                let time = (object["time"] as? NSNumber)?.int64Value
                let query = (object["query"] as? String) ?? file.query
                rows.append((time ?? 0, [
                    query.map(Value.string) ?? .null, text(object["source"]), text(object["position"]), text(object["raw"]),
                    text(object["reason"]), time.map(Value.timestamp) ?? .null,
                    (object["checkpoint"] as? NSNumber).map { .int($0.int64Value) } ?? .null,
                ]))
            }
        }
        // Stable: records of one file keep their order.
        return rows.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element.row)
    }

    private static func text(_ value: Any?) -> Value {
        (value as? String).map(Value.string) ?? .null
    }
}
