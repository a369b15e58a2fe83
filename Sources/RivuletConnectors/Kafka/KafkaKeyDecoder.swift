import RivuletCore

/// Reads the key columns of a ksqlDB-style stream or table from the message key, in its
/// `KEY_FORMAT`: `KAFKA` (one column in Kafka's own serialization), `JSON` (one column as a bare
/// JSON value, several as an object), `DELIMITED` (a CSV record), `PROTOBUF_NOSR` (a protobuf message of the key columns) or `NONE`
/// (no key columns).
/// A windowed key (`WINDOW_TYPE`) ends with the window as Kafka Streams writes it: the start,
/// and for a session window the end before it, as 8-byte big-endian epoch milliseconds.
final class KafkaKeyDecoder {
    enum Window {
        case time(sizeMillis: Int64)
        case session
    }

    private let format: KafkaFormat
    private let types: [SQLType]
    private let window: Window?
    private let json: JSONLinesDecoder?
    /// A single JSON key column is the bare value.
    private let bare: BareJSONValue?
    private let csv: CSVDecoder?
    private let protobuf: ProtobufCodec?
    /// `AVRO`, `JSON_SR`.
    private let registry: RegistryRecordFormat?
    /// The last key decoded: one row of the key columns.
    private(set) var row: RowBatch
    private(set) var windowStart: Int64 = 0
    private(set) var windowEnd: Int64 = 0
    private var scratch: [UInt8] = []

    init(
        format: KafkaFormat, types: [SQLType], names: [String], window: Window?, csv options: CSVOptions, registry: RegistryRecordFormat? = nil
    ) throws(SQLError) {
        self.registry = registry
        self.format = format
        self.types = types
        self.window = window
        let all = Array(types.indices)
        json = format == .json ? JSONLinesDecoder(types: types, names: names, columns: all, ignoreParseErrors: false) : nil
        bare = format == .json && types.count == 1 ? BareJSONValue(column: names[0]) : nil
        csv = format == .csv ? CSVDecoder(types: types, names: names, columns: all, options: options) : nil
        protobuf = format == .protobufNoSR ? try ProtobufSchemaText.codec(for: zip(names, types).map { RowField($0, $1) }) : nil
        row = RowBatch(types: types)
    }

    /// Decodes `key` into `row`; returns why it could not, or nil.
    func decode(_ key: UnsafeBufferPointer<UInt8>?) -> String? {
        row = RowBatch(types: types)
        guard var key else {
            if window != nil { return "a windowed key is missing" }
            row.appendRow(types.map { _ in .null })
            return nil
        }
        switch window {
        case .time(let size)?:
            guard key.count >= 8 else { return "a windowed key is shorter than its window" }
            windowStart = Self.bigEndian(key, at: key.count - 8)
            windowEnd = windowStart + size
            key = UnsafeBufferPointer(rebasing: key[0..<(key.count - 8)])
        case .session?:
            guard key.count >= 16 else { return "a session-windowed key is shorter than its window" }
            windowEnd = Self.bigEndian(key, at: key.count - 16)
            windowStart = Self.bigEndian(key, at: key.count - 8)
            key = UnsafeBufferPointer(rebasing: key[0..<(key.count - 16)])
        case nil:
            break
        }
        if types.isEmpty { row.appendRow([]); return nil }
        switch format {
        case .kafka, .raw:
            switch KafkaPrimitive.decode(key, as: types[0]) {
            case .success(let value): row.appendRow([value])
            case .failure(let error): return error.reason
            }
        case .json:
            if let bare {
                bare.wrap(key, into: &scratch)
            } else {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: key)
            }
            var reason: String?
            scratch.withUnsafeBufferPointer { data in
                var line = 1
                _ = json!.decode(data, from: 0, final: true, into: &row, maxRows: 1, line: &line) { reason = $0.reason }
            }
            if let reason { return "key: \(reason)" }
        case .csv:
            var reason: String?
            var line = 1
            _ = csv!.decode(key, from: 0, final: true, into: &row, maxRows: 1, line: &line) { reason = $0.reason }
            if let reason { return "key: \(reason)" }
            if row.count == 0 { row.appendRow(types.map { _ in .null }) }
        case .none:
            row.appendRow(types.map { _ in .null })
        case .protobufNoSR:
            do {
                row.appendRow(try protobuf!.decode(key))
            } catch {
                return "key: protobuf: \(error.reason)"
            }
        case .avro, .jsonSchema, .protobuf:
            switch registry!.decode(key) {
            case .success(let values): row.appendRow(values)
            case .failure(let error): return "key: \(error.reason)"
            }
        case .debeziumJSON:
            preconditionFailure("'debezium-json' is refused as a key format by KafkaOptions")
        }
        return row.count == 1 ? nil : "the key holds no record"
    }

    static func bigEndian(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int64 {
        var value: UInt64 = 0
        for i in offset..<(offset + 8) { value = value << 8 | UInt64(bytes[i]) }
        return Int64(bitPattern: value)
    }
}
