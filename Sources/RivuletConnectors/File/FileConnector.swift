public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'file'` / `'filesystem'`: CSV or JSON-lines files as a source, part files in a
/// directory as an append-only sink.
///
/// Options: `path` (file or directory; relative to the working directory), `format` (`csv` |
/// `json`; inferred from a `.csv` / `.json` / `.jsonl` path when omitted), `header` (skip a
/// header line when reading; write one when `true` for a sink), `csv.field-delimiter`,
/// `csv.quote-character`, `csv.null-literal`, `csv.ignore-parse-errors` /
/// `json.ignore-parse-errors` (a field that does not parse becomes NULL), `on-error` (`skip`,
/// the default, or `fail`), `source.monitor-interval` (follow the path for new rows).
public struct FileConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { ["file", "filesystem"] }

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        let format = try FileFormat(relation.connector)
        if format.kind == .csv { try NestedColumns.refuse(relation.schema.fields, format: "csv") }
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        try FileSourceReader(relation: relation, columns: columns, format: try FileFormat(relation.connector), context: context)
    }

    /// Bounded files are decoded ahead on a thread of their own; a followed path waits for input.
    public func readsAhead(_ relation: Relation) -> Bool {
        (try? FileFormat(relation.connector))?.monitorIntervalMillis == nil
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        let format = try FileFormat(relation.connector)
        if !relation.partitionColumns.isEmpty { return PartitionedFileSinkWriter(relation: relation, format: format, context: context) }
        return try FileSinkWriter(relation: relation, format: format, context: context)
    }
}
