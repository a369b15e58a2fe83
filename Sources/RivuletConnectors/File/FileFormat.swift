import RivuletCore
import RivuletPlanner

/// The options of the `file` / `filesystem` connector, read and checked once.
struct FileFormat: Sendable {
    enum Kind: String, Sendable {
        case csv
        case json
    }

    enum OnError: String, Sendable {
        /// Skip the record, count it and keep it in the bad-record log.
        case skip
        /// Stop the query at the first bad record.
        case fail
    }

    var path: String
    var kind: Kind
    var csv: CSVOptions
    var onError: OnError
    /// `source.monitor-interval`: keep following the path for appended rows and new files.
    var monitorIntervalMillis: Int64?

    static let known: Set<String> = [
        "path", "format", "header", "on-error", "source.monitor-interval",
        "csv.field-delimiter", "csv.quote-character", "csv.ignore-parse-errors", "csv.null-literal",
        "json.ignore-parse-errors",
    ]
    /// Flink options that only tune Flink's file handling; accepted so Flink scripts run as they are.
    static let ignored: Set<String> = [
        "sink.parallelism", "json.fail-on-missing-field", "json.timestamp-format.standard",
        "json.map-null-key.mode", "json.encode.decimal-as-plain-number", "auto-compaction",
    ]
    static let ignoredPrefixes = ["sink.rolling-policy.", "sink.partition-commit.", "partition.", "compaction."]

    init(_ spec: ConnectorSpec) throws(SQLError) {
        let options = try ConnectorOptions(spec, known: Self.known, ignored: Self.ignored, ignoredPrefixes: Self.ignoredPrefixes)
        path = try options.required("path")
        if options.contains("format") {
            kind = Kind(rawValue: try options.choice("format", ["csv", "json"]))!
        } else {
            let lowered = path.lowercased()
            if lowered.hasSuffix(".json") || lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") {
                kind = .json
            } else if lowered.hasSuffix(".csv") {
                kind = .csv
            } else {
                throw SQLError(
                    .invalidParameterValue, "missing option 'format' for connector '\(options.connector)'",
                    hint: "add 'format' = 'csv' or 'format' = 'json'")
            }
        }
        csv = CSVOptions()
        if let delimiter = options["csv.field-delimiter"] {
            csv.delimiter = try Self.singleByte(delimiter, key: "csv.field-delimiter", options)
        }
        if let quote = options["csv.quote-character"] {
            csv.quote = try Self.singleByte(quote, key: "csv.quote-character", options)
        }
        csv.header = try options.bool("header", default: false)
        csv.ignoreParseErrors = try options.bool(kind == .csv ? "csv.ignore-parse-errors" : "json.ignore-parse-errors", default: false)
        if let literal = options["csv.null-literal"] { csv.nullLiteral = Array(literal.utf8) }
        onError = OnError(rawValue: try options.choice("on-error", ["skip", "fail"], default: "skip"))!
        if let millis = try options.duration("source.monitor-interval") { monitorIntervalMillis = millis }
    }

    private static func singleByte(_ text: String, key: String, _ options: ConnectorOptions) throws(SQLError) -> UInt8 {
        let unescaped: String
        switch text {
        case "\\t": unescaped = "\t"
        case "\\|": unescaped = "|"
        default: unescaped = text
        }
        let bytes = Array(unescaped.utf8)
        guard bytes.count == 1, bytes[0] != 10, bytes[0] != 13 else {
            throw options.invalid(key, text, expected: "a single ASCII character")
        }
        return bytes[0]
    }

}
