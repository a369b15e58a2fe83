import RivuletCore

/// Encodes the rows of a batch as Kafka message values or keys, one byte string per row:
/// a JSON object, a CSV record (without its line end), the text of a single VARCHAR (raw,
/// where NULL gives no bytes at all), or one value in the `KAFKA` format. With `bare`, a single
/// JSON column is its bare value rather than an object (a ksqlDB key, `WRAP_SINGLE_VALUE = false`).
/// `PROTOBUF_NOSR` writes each row as one protobuf message of all the columns (`ProtobufCodec`).
struct KafkaRecordEncoder {
    private let format: KafkaFormat
    private let types: [SQLType]
    private let bare: Bool
    private let quote: UInt8
    // Two optionals rather than an enum, so encoding mutates the encoders' buffers in place.
    private var json: JSONLinesEncoder?
    private var csv: CSVEncoder?
    private var protobuf: ProtobufCodec?
    /// `AVRO`, `JSON_SR`, `PROTOBUF`, ready to write (`RegistryRecordFormat.prepareWriting`).
    private let registry: RegistryRecordFormat?
    private var bytes: [UInt8] = []
    /// Row `i` is `bytes[starts[i]..<ends[i]]`, or NULL when `starts[i] < 0`.
    private var starts: [Int] = []
    private var ends: [Int] = []

    /// `temporalAsNumbers`: timestamps and dates in JSON and CSV as numbers, as ksqlDB writes them.
    init(
        format: KafkaFormat, types: [SQLType], names: [String], csv options: CSVOptions, bare: Bool = false,
        registry: RegistryRecordFormat? = nil, temporalAsNumbers: Bool = false
    ) throws(SQLError) {
        self.format = format
        self.registry = registry
        self.types = types
        self.bare = bare && types.count == 1
        quote = options.quote
        switch format {
        case .json: json = JSONLinesEncoder(types: types, names: names, temporalAsNumbers: temporalAsNumbers)
        case .csv: csv = CSVEncoder(types: types, options: options, temporalAsNumbers: temporalAsNumbers)
        case .raw, .kafka, .none, .avro, .jsonSchema, .protobuf: break
        case .debeziumJSON: preconditionFailure("'debezium-json' tables are refused as sinks by KafkaConnector")
        case .protobufNoSR: protobuf = try ProtobufSchemaText.codec(for: zip(names, types).map { RowField($0, $1) })
        }
    }

    /// Encodes every row of `batch` (whose columns are the ones this encoder was made for).
    mutating func encode(_ batch: RowBatch) throws(SQLError) {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        switch format {
        case .raw:
            let column = batch.columns[0]
            for row in 0..<batch.count {
                if column.isNull(row) {
                    starts.append(-1)
                    ends.append(-1)
                    continue
                }
                starts.append(bytes.count)
                column.strings.withBytes(row) { bytes.append(contentsOf: $0) }
                ends.append(bytes.count)
            }
        case .kafka:
            for row in 0..<batch.count {
                let value = batch.columns.isEmpty ? Value.null : batch.columns[0].value(at: row, type: types[0])
                if value.isNull {
                    starts.append(-1)
                    ends.append(-1)
                    continue
                }
                starts.append(bytes.count)
                KafkaPrimitive.encode(value, as: types[0], into: &bytes)
                ends.append(bytes.count)
            }
        case .none:
            for _ in 0..<batch.count {
                starts.append(-1)
                ends.append(-1)
            }
        case .json:
            json!.encode(batch, into: &bytes)
            splitLines(quoted: false)
            if bare { unwrapSingleFields() }
        case .csv:
            csv!.encode(batch, into: &bytes)
            splitLines(quoted: true)
        case .protobufNoSR:
            // Every row is a message, an empty one when all its fields are NULL or defaults.
            for row in 0..<batch.count {
                starts.append(bytes.count)
                protobuf!.encode(batch.columns.indices.map { batch.columns[$0].value(at: row, type: types[$0]) }, into: &bytes)
                ends.append(bytes.count)
            }
        case .avro, .jsonSchema, .protobuf:
            for row in 0..<batch.count {
                let values = batch.columns.indices.map { batch.columns[$0].value(at: row, type: types[$0]) }
                // A NULL value is a tombstone; a NULL single key column is no key, as ksqlDB writes them.
                if values.allSatisfy(\.isNull), bare || values.isEmpty {
                    starts.append(-1)
                    ends.append(-1)
                    continue
                }
                starts.append(bytes.count)
                try registry!.encode(values, into: &bytes)
                ends.append(bytes.count)
            }
        case .debeziumJSON:
            preconditionFailure("'debezium-json' tables are refused as sinks by KafkaConnector")
        }
    }

    /// Row `row` of the last batch encoded; nil for NULL (raw).
    func withRow<T>(_ row: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T) rethrows -> T {
        guard starts[row] >= 0 else { return try body(nil) }
        return try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[starts[row]..<ends[row]]))
        }
    }

    /// Each record `{"name":value}` becomes `value` (`null`: no bytes, as ksqlDB writes it).
    private mutating func unwrapSingleFields() {
        for row in starts.indices where starts[row] >= 0 {
            var colon = starts[row] + 1
            if bytes[colon] == UInt8(ascii: "\"") {
                colon += 1
                while bytes[colon] != UInt8(ascii: "\"") { colon += bytes[colon] == UInt8(ascii: "\\") ? 2 : 1 }
            }
            while bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            starts[row] = colon + 1
            ends[row] -= 1
            if ends[row] - starts[row] == 4, bytes[starts[row]] == UInt8(ascii: "n") {
                starts[row] = -1
                ends[row] = -1
            }
        }
    }

    /// Finds the line end of each record: JSON escapes line breaks; CSV may quote them.
    private mutating func splitLines(quoted: Bool) {
        var start = 0
        var inQuotes = false
        for (i, byte) in bytes.enumerated() {
            if quoted, byte == quote { inQuotes.toggle() }
            if byte == 10, !inQuotes {
                starts.append(start)
                ends.append(i)
                start = i + 1
            }
        }
    }
}
