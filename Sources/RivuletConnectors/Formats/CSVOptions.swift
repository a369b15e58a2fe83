/// How CSV text is read and written (Flink's `csv` format options, plus `header`).
public struct CSVOptions: Sendable, Hashable {
    public var delimiter: UInt8 = UInt8(ascii: ",")
    public var quote: UInt8 = UInt8(ascii: "\"")
    /// The first record of each file is a header and is skipped.
    public var header = false
    /// Flink's `csv.ignore-parse-errors`: a field that does not parse becomes NULL and missing
    /// fields are NULL, instead of the record being skipped.
    public var ignoreParseErrors = false
    /// Flink's `csv.null-literal`: a field with exactly this text is NULL, whatever its type.
    public var nullLiteral: [UInt8]?

    public init() {}
}
