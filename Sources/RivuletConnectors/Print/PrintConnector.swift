public import RivuletCore
public import RivuletPlanner
public import RivuletRuntime

/// `connector = 'print'`: a sink that writes every row to standard output as Flink's print
/// connector does, `+I[1001, 2024-01-01 12:00:00.000, abc]`, its change first, so a changelog
/// can be read (and two runs compared) row by row.
///
/// Options: `print-identifier` (a prefix, `id> `, before each row), `standard-error` (`true`
/// writes to standard error instead). A sink only.
public struct PrintConnector: ConnectorFactory {
    public init() {}

    public var names: [String] { ["print"] }

    static let known: Set<String> = ["print-identifier", "standard-error"]

    public func validate(_ relation: Relation, asSink: Bool) throws(SQLError) {
        let options = try ConnectorOptions(relation.connector, known: Self.known, ignored: ["sink.parallelism"])
        _ = try options.bool("standard-error", default: false)
    }

    public func makeSource(_ relation: Relation, columns: [Int], context: ConnectorContext) throws -> any SourceReader {
        throw SQLError(.featureNotSupported, "connector 'print' can only be a sink; '\(relation.name)' is read from")
    }

    public func makeSink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
        let options = try ConnectorOptions(relation.connector, known: Self.known, ignored: ["sink.parallelism"])
        return PrintSink(
            types: relation.schema.types, identifier: options["print-identifier"],
            toStandardError: try options.bool("standard-error", default: false))
    }
}
