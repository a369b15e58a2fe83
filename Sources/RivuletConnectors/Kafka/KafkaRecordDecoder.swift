import CRdKafka
import RivuletCore
import RivuletPlanner
import RivuletRuntime

/// Decodes Kafka messages into a source's output columns: the value through the JSON or CSV
/// decoders (or as raw text, or one `KAFKA`-format value), metadata columns (`kafka_partition`,
/// ...) from the message. A ksqlDB-style relation also reads its key columns from the message
/// key (`KafkaKeyDecoder`) and fills its system columns (`ROWTIME`, ..., `WINDOWSTART`).
///
/// Rows accumulate until `takeBatch()`. A value that does not decode is reported with its
/// position `topic/partition@offset` and skipped (or stops the query with `on-error = fail`).
/// A message without a value (a tombstone) gives no row in JSON and CSV, and a NULL in raw; in a
/// ksqlDB table it deletes its key, and in a ksqlDB stream read with `$VALUE_IS_NULL` it is a
/// row with NULL values, marked.
final class KafkaRecordDecoder {
    private enum Slot {
        case value(Int)
        case metadata(KafkaMetadataColumn)
        case key(Int)
        case windowStart
        case windowEnd
        case valueIsNull
    }

    private enum ValueDecoder {
        case json(JSONLinesDecoder)
        case csv(CSVDecoder)
        case raw
        case primitive(SQLType)
        case debezium(JSONLinesDecoder, schemaIncluded: Bool)
        /// A message of all the value columns, of which `columns` are kept.
        case protobuf(ProtobufCodec, columns: [Int])
        /// `AVRO`, `JSON_SR`, `PROTOBUF`: every value column, from which the requested ones are picked.
        case registry(RegistryRecordFormat, requested: [Int])
    }

    private let sourceName: String
    private let outputTypes: [SQLType]
    private let slots: [Slot]
    private let valueTypes: [SQLType]
    private let decoder: ValueDecoder
    private let badRecords: BadRecordLog
    private let failOnError: Bool
    private var values: RowBatch
    private var partitions: [Int64] = []
    private var offsets: [Int64] = []
    private var timestamps: [Int64?] = []
    private var keys: [[UInt8]?] = []
    private var topics: [String] = []
    private var scratch: [UInt8] = []
    /// The message key's columns, for a ksqlDB-style relation that reads them.
    private let keyDecoder: KafkaKeyDecoder?
    private let keyTypes: [SQLType]
    private var keyValues: RowBatch
    private var windowStarts: [Int64] = []
    private var windowEnds: [Int64] = []
    /// `WRAP_SINGLE_VALUE = false`: the JSON value is the bare value of the one value column.
    private let bareValue: BareJSONValue?
    /// A ksqlDB table's tombstone (a message without a value) is a `-D` row of its key.
    private let tombstonesDelete: Bool
    /// The kind of each row decoded so far, once one is not an insert (nil while all are).
    private var kinds: [RowKind]?
    /// The rows of one Debezium event, appended to `values` only when all its images decode.
    private var eventRows: RowBatch
    /// A ksqlDB stream's record without a value is a row (see `KsqlSystemColumn.valueIsNull`).
    private let keepsValuelessRecords: Bool
    /// Whether each row decoded so far came from a record without a value.
    private var valueless: [Bool] = []

    /// The columns of `relation` that are read from the message value, in order.
    static func valueColumns(of relation: Relation) -> [Int] {
        let fromKey = relation.isKsqlKafka ? Set(relation.primaryKey) : []
        return relation.schema.fields.indices.filter {
            KafkaMetadataColumn.of($0, in: relation) == nil && !fromKey.contains($0) && !relation.systemColumns.contains($0)
        }
    }

    init(relation: Relation, columns: [Int], options: KafkaOptions, badRecords: BadRecordLog) throws(SQLError) {
        sourceName = relation.name
        outputTypes = columns.map { relation.schema[$0].type }
        let valueFields = Self.valueColumns(of: relation)
        let keyFields = relation.isKsqlKafka ? relation.primaryKey : []
        var requested: [Int] = []
        var slots: [Slot] = []
        for column in columns {
            let name = relation.schema[column].name
            if relation.systemColumns.contains(column), let system = KsqlSystemColumn(name: name) {
                switch system {
                case .rowtime: slots.append(.metadata(.timestamp))
                case .rowPartition: slots.append(.metadata(.partition))
                case .rowOffset: slots.append(.metadata(.offset))
                case .windowStart: slots.append(.windowStart)
                case .windowEnd: slots.append(.windowEnd)
                case .valueIsNull: slots.append(.valueIsNull)
                }
            } else if let key = keyFields.firstIndex(of: column) {
                slots.append(.key(key))
            } else if let metadata = KafkaMetadataColumn.of(column, in: relation) {
                slots.append(.metadata(metadata))
            } else {
                slots.append(.value(requested.count))
                requested.append(valueFields.firstIndex(of: column)!)
            }
        }
        self.slots = slots
        let types = valueFields.map { relation.schema[$0].type }
        let names = valueFields.map { relation.schema[$0].name }
        valueTypes = requested.map { types[$0] }
        tombstonesDelete = relation.isKsqlKafka && relation.kind == .table
        keepsValuelessRecords = relation.kind == .stream && slots.contains { if case .valueIsNull = $0 { true } else { false } }
        bareValue = options.valueFormat == .json && !options.wrapSingleValue && names.count == 1 ? BareJSONValue(column: names[0]) : nil
        switch options.valueFormat {
        case .json: decoder = .json(JSONLinesDecoder(types: types, names: names, columns: requested, ignoreParseErrors: options.ignoreParseErrors))
        case .csv:
            var csv = options.csv
            csv.ignoreParseErrors = options.ignoreParseErrors
            decoder = .csv(CSVDecoder(types: types, names: names, columns: requested, options: csv))
        case .raw, .none: decoder = .raw
        case .kafka: decoder = types.isEmpty ? .raw : .primitive(types[0])
        case .debeziumJSON:
            decoder = .debezium(JSONLinesDecoder(types: types, names: names, columns: requested, ignoreParseErrors: options.ignoreParseErrors),
                                schemaIncluded: options.debeziumSchemaIncluded)
        case .protobufNoSR:
            decoder = .protobuf(try ProtobufSchemaText.codec(for: zip(names, types).map { RowField($0, $1) }), columns: requested)
        case .avro, .jsonSchema, .protobuf:
            let format = RegistryRecordFormat(
                options.valueFormat.registryCodec!, client: try options.registryClient(for: options.valueFormat),
                columns: zip(names, types).map { RowField($0, $1) }, unwrapped: !options.wrapSingleValue, fullName: options.valueSchemaFullName)
            decoder = .registry(format, requested: requested)
        }
        let keyTypes = keyFields.map { relation.schema[$0].type }
        self.keyTypes = keyTypes
        if relation.isKsqlKafka {
            let keyNames = keyFields.map { relation.schema[$0].name }
            // ksqlDB's single key column is the key's whole schema (`unwrapPrimitives`).
            let registry = try options.keyFormat.registryCodec.map { (codec) throws(SQLError) in
                RegistryRecordFormat(codec, client: try options.registryClient(for: options.keyFormat),
                                     columns: zip(keyNames, keyTypes).map { RowField($0, $1) }, unwrapped: true, fullName: options.keySchemaFullName)
            }
            keyDecoder = try KafkaKeyDecoder(
                format: options.keyFormat, types: keyTypes, names: keyNames, window: options.window, csv: options.csv, registry: registry)
        } else {
            keyDecoder = nil
        }
        keyValues = RowBatch(types: keyTypes)
        self.badRecords = badRecords
        failOnError = options.onError == .fail
        values = RowBatch(types: valueTypes)
        eventRows = RowBatch(types: valueTypes)
    }

    var count: Int { offsets.count }

    /// Marks the rows from `first` on as `kind`.
    private func setKind(_ kind: RowKind, from first: Int) {
        if kinds == nil {
            guard kind != .insert else { return }
            kinds = Array(repeating: .insert, count: first)
        }
        kinds! += repeatElement(kind, count: values.count - first)
    }

    /// Decodes one message; returns how many rows it gave (0 or 1, more for a CSV value holding
    /// several records).
    func decode(_ message: UnsafePointer<rd_kafka_message_t>, topic: String) throws -> Int {
        let before = values.count
        let payload = message.pointee.payload.map { UnsafeBufferPointer(start: $0.assumingMemoryBound(to: UInt8.self), count: message.pointee.len) }
        let partition = message.pointee.partition
        let offset = message.pointee.offset
        if let keyDecoder {
            let key = message.pointee.key.map { UnsafeBufferPointer(start: $0.assumingMemoryBound(to: UInt8.self), count: message.pointee.key_len) }
            if let reason = keyDecoder.decode(key) {
                try report(BadRecord(line: 1, raw: key ?? UnsafeBufferPointer(start: nil, count: 0), reason: reason),
                           topic: topic, partition: partition, offset: offset)
                return 0
            }
        }
        let hasValue = message.pointee.payload != nil
        if !hasValue, tombstonesDelete || keepsValuelessRecords {
            values.appendRow(valueTypes.map { _ in .null })
            setKind(tombstonesDelete ? .delete : .insert, from: before)
        } else {
            try decodeValue(payload, topic: topic, partition: partition, offset: offset)
            if kinds != nil, kinds!.count < values.count { setKind(.insert, from: kinds!.count) }
        }
        let produced = values.count - before
        guard produced > 0 else { return 0 }
        if keepsValuelessRecords { valueless += repeatElement(!hasValue, count: produced) }
        var kind = rd_kafka_timestamp_type_t(0)
        let timestamp = rd_kafka_message_timestamp(message, &kind)
        let key = message.pointee.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.pointee.key_len)) }
        for _ in 0..<produced {
            if let keyDecoder {
                for column in keyValues.columns.indices { keyValues.columns[column].append(from: keyDecoder.row.columns[column], row: 0) }
                keyValues.count += 1
                windowStarts.append(keyDecoder.windowStart)
                windowEnds.append(keyDecoder.windowEnd)
            }
            partitions.append(Int64(partition))
            offsets.append(offset)
            timestamps.append(timestamp >= 0 ? timestamp : nil)
            keys.append(key.map { Array($0) })
            topics.append(topic)
        }
        return produced
    }

    private func decodeValue(_ payload: UnsafeBufferPointer<UInt8>?, topic: String, partition: Int32, offset: Int64) throws {
        switch decoder {
        case .raw:
            if values.columns.isEmpty {
                values.count += 1
            } else if let payload {
                if let problem = TextCheck.problem(payload) {
                    try report(BadRecord(line: 1, raw: payload, reason: problem), topic: topic, partition: partition, offset: offset)
                    return
                }
                values.columns[0].strings.append(payload)
                values.columns[0].appendValidity(true)
                values.count += 1
            } else {
                values.columns[0].appendNull()
                values.count += 1
            }
        case .primitive(let type):
            if let payload {
                switch KafkaPrimitive.decode(payload, as: type) {
                case .success(let value): values.appendRow(values.columns.isEmpty ? [] : [value])
                case .failure(let error):
                    try report(BadRecord(line: 1, raw: payload, reason: error.reason), topic: topic, partition: partition, offset: offset)
                    return
                }
            } else {
                values.appendRow(values.columns.isEmpty ? [] : [.null])
            }
        case .json(let json):
            guard let payload else { return }
            // One message is one record: line ends inside a pretty-printed object are spaces.
            if let bareValue {
                bareValue.wrap(payload, into: &scratch)
            } else {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: payload)
            }
            Self.flattenLineEnds(&scratch)
            try scratch.withUnsafeBufferPointer { data in
                var line = 1
                _ = try json.decode(data, from: 0, final: true, into: &values, maxRows: .max, line: &line) { record in
                    try report(record, topic: topic, partition: partition, offset: offset)
                }
            }
        case .debezium(let json, let schemaIncluded):
            // A tombstone follows each delete (for log compaction) and changes nothing.
            guard let payload else { return }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: payload)
            Self.flattenLineEnds(&scratch)
            try scratch.withUnsafeBufferPointer { data in
                try decodeDebezium(data, json: json, schemaIncluded: schemaIncluded) { record in
                    try report(record, topic: topic, partition: partition, offset: offset)
                }
            }
        case .protobuf(let codec, let columns):
            guard let payload else { return }
            do {
                let all = try codec.decode(payload)
                values.appendRow(columns.map { all[$0] })
            } catch {
                try report(BadRecord(line: 1, raw: payload, reason: "protobuf: \(error.reason)"), topic: topic, partition: partition, offset: offset)
            }
        case .registry(let format, let requested):
            guard let payload else { return }
            switch format.decode(payload) {
            case .success(let all): values.appendRow(requested.map { all[$0] })
            case .failure(let error):
                try report(BadRecord(line: 1, raw: payload, reason: error.reason), topic: topic, partition: partition, offset: offset)
            }
        case .csv(let csv):
            guard let payload else { return }
            var line = 1
            _ = try csv.decode(payload, from: 0, final: true, into: &values, maxRows: .max, line: &line) { record in
                try report(record, topic: topic, partition: partition, offset: offset)
            }
        }
    }

    /// One message is one record: line ends outside strings become spaces, so a pretty-printed
    /// object reads as one line. (A raw line end inside a string is invalid JSON, kept as it is.)
    private static func flattenLineEnds(_ text: inout [UInt8]) {
        var inString = false
        var escaped = false
        for i in text.indices {
            let c = text[i]
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == 10 || c == 13 {
                text[i] = 32
            }
        }
    }

    /// Appends the rows of one Debezium event with their kinds, or reports why it has none.
    /// An event whose images do not all decode gives no row (half an update would leave the
    /// old row retracted and no new one).
    private func decodeDebezium(
        _ data: UnsafeBufferPointer<UInt8>, json: JSONLinesDecoder, schemaIncluded: Bool, bad: (BadRecord) throws -> Void
    ) throws {
        let changes: [(kind: RowKind, image: Range<Int>)]
        switch DebeziumEnvelope.parse(data, schemaIncluded: schemaIncluded).flatMap({ $0.changes() }) {
        case .success(let found): changes = found
        case .failure(let error):
            try bad(BadRecord(line: 1, raw: data, reason: error.reason))
            return
        }
        eventRows = RowBatch(types: valueTypes)
        var failed = false
        for change in changes {
            var line = 1
            _ = try json.decode(UnsafeBufferPointer(rebasing: data[change.image]), from: 0, final: true, into: &eventRows, maxRows: .max,
                                line: &line) { record in
                failed = true
                try bad(BadRecord(line: 1, raw: data, reason: "'\(change.kind == .insert || change.kind == .updateAfter ? "after" : "before")': \(record.reason)"))
            }
        }
        guard !failed, eventRows.count == changes.count else { return }
        for (row, change) in changes.enumerated() {
            let first = values.count
            for column in values.columns.indices { values.columns[column].append(from: eventRows.columns[column], row: row) }
            values.count += 1
            setKind(change.kind, from: first)
        }
    }

    /// The value of output column `slot` at `row` as epoch milliseconds (the event time), or nil.
    func time(slot: Int, row: Int) -> Int64? {
        switch slots[slot] {
        case .metadata(.timestamp): return timestamps[row]
        case .metadata, .windowEnd, .valueIsNull: return nil
        case .windowStart: return windowStarts[row]
        case .key(let index):
            let column = keyValues.columns[index]
            return column.isNull(row) ? nil : column.ints[row]
        case .value(let index):
            let column = values.columns[index]
            return column.isNull(row) ? nil : column.ints[row]
        }
    }

    /// The rows decoded since the last call, as the output columns.
    func takeBatch() -> RowBatch {
        var columns: [Column] = []
        for (slot, kind) in slots.enumerated() {
            switch kind {
            case .value(let index):
                columns.append(values.columns[index])
            case .key(let index):
                columns.append(keyValues.columns[index])
            case .windowStart:
                columns.append(Column(ints: windowStarts))
            case .windowEnd:
                columns.append(Column(ints: windowEnds))
            case .valueIsNull:
                var column = Column(kind: outputTypes[slot].physical, capacity: count)
                // A table's records without a value are deletes, not marked rows.
                for row in 0..<count { column.append(.boolean(keepsValuelessRecords && valueless[row])) }
                columns.append(column)
            case .metadata(let metadata):
                var column = Column(type: outputTypes[slot], capacity: count)
                for row in 0..<count {
                    switch metadata {
                    case .partition: column.append(.int(partitions[row]))
                    case .offset: column.append(.int(offsets[row]))
                    case .timestamp:
                        if let millis = timestamps[row] { column.append(outputTypes[slot].isTimestamp ? .timestamp(millis) : .int(millis)) } else { column.appendNull() }
                    case .key:
                        if let key = keys[row] { key.withUnsafeBufferPointer { column.strings.append($0) }; column.appendValidity(true) } else { column.appendNull() }
                    case .topic: column.append(.string(topics[row]))
                    }
                }
                columns.append(column)
            }
        }
        var batch = RowBatch(columns: columns, count: count)
        batch.kinds = kinds
        kinds = nil
        values = RowBatch(types: valueTypes)
        keyValues = RowBatch(types: keyTypes)
        windowStarts.removeAll(keepingCapacity: true)
        windowEnds.removeAll(keepingCapacity: true)
        valueless.removeAll(keepingCapacity: true)
        partitions.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        timestamps.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        topics.removeAll(keepingCapacity: true)
        return batch
    }

    private func report(_ record: BadRecord, topic: String, partition: Int32, offset: Int64) throws {
        let entry = BadRecordLog.Entry(
            source: sourceName, position: "\(topic)/\(partition)@\(offset)", rawText: record.rawText, reason: record.reason)
        if failOnError {
            throw SQLError(.invalidTextRepresentation, "bad record in \(entry.position): \(record.reason)",
                           hint: "set 'on-error' = 'skip' to skip and log such records")
        }
        badRecords.record(entry)
    }
}
