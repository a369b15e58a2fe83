import CRdKafka
import RivuletCore
import RivuletPlanner
import RivuletRuntime

/// Decodes Kafka messages into a source's output columns: the value through the JSON or CSV
/// decoders (or as raw text), metadata columns (`kafka_partition`, ...) from the message.
///
/// Rows accumulate until `takeBatch()`. A value that does not decode is reported with its
/// position `topic/partition@offset` and skipped (or stops the query with `on-error = fail`).
/// A message without a value (a tombstone) gives no row in JSON and CSV, and a NULL in raw.
final class KafkaRecordDecoder {
    private enum Slot {
        case value(Int)
        case metadata(KafkaMetadataColumn)
    }

    private enum ValueDecoder {
        case json(JSONLinesDecoder)
        case csv(CSVDecoder)
        case raw
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

    /// The columns of `relation` that are read from the message value, in order.
    static func valueColumns(of relation: Relation) -> [Int] {
        relation.schema.fields.indices.filter { KafkaMetadataColumn(columnName: relation.schema[$0].name) == nil }
    }

    init(relation: Relation, columns: [Int], options: KafkaOptions, badRecords: BadRecordLog) {
        sourceName = relation.name
        outputTypes = columns.map { relation.schema[$0].type }
        let valueFields = Self.valueColumns(of: relation)
        var requested: [Int] = []
        var slots: [Slot] = []
        for column in columns {
            if let metadata = KafkaMetadataColumn(columnName: relation.schema[column].name) {
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
        switch options.valueFormat {
        case .json: decoder = .json(JSONLinesDecoder(types: types, names: names, columns: requested, ignoreParseErrors: options.ignoreParseErrors))
        case .csv:
            var csv = options.csv
            csv.ignoreParseErrors = options.ignoreParseErrors
            decoder = .csv(CSVDecoder(types: types, names: names, columns: requested, options: csv))
        case .raw: decoder = .raw
        }
        self.badRecords = badRecords
        failOnError = options.onError == .fail
        values = RowBatch(types: valueTypes)
    }

    var count: Int { offsets.count }

    /// Decodes one message; returns how many rows it gave (0 or 1, more for a CSV value holding
    /// several records).
    func decode(_ message: UnsafePointer<rd_kafka_message_t>, topic: String) throws -> Int {
        let before = values.count
        let payload = message.pointee.payload.map { UnsafeBufferPointer(start: $0.assumingMemoryBound(to: UInt8.self), count: message.pointee.len) }
        let partition = message.pointee.partition
        let offset = message.pointee.offset
        switch decoder {
        case .raw:
            if values.columns.isEmpty {
                values.count += 1
            } else if let payload {
                if let problem = TextCheck.problem(payload) {
                    try report(BadRecord(line: 1, raw: payload, reason: problem), topic: topic, partition: partition, offset: offset)
                    return 0
                }
                values.columns[0].strings.append(payload)
                values.columns[0].appendValidity(true)
                values.count += 1
            } else {
                values.columns[0].appendNull()
                values.count += 1
            }
        case .json(let json):
            guard let payload else { return 0 }
            // One message is one record: line ends inside a pretty-printed object are spaces.
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: payload)
            // Only outside strings: a raw line end inside a string is invalid JSON, kept as it is.
            var inString = false
            var escaped = false
            for i in scratch.indices {
                let c = scratch[i]
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
                    scratch[i] = 32
                }
            }
            try scratch.withUnsafeBufferPointer { data in
                var line = 1
                _ = try json.decode(data, from: 0, final: true, into: &values, maxRows: .max, line: &line) { record in
                    try report(record, topic: topic, partition: partition, offset: offset)
                }
            }
        case .csv(let csv):
            guard let payload else { return 0 }
            var line = 1
            _ = try csv.decode(payload, from: 0, final: true, into: &values, maxRows: .max, line: &line) { record in
                try report(record, topic: topic, partition: partition, offset: offset)
            }
        }
        let produced = values.count - before
        guard produced > 0 else { return 0 }
        var kind = rd_kafka_timestamp_type_t(0)
        let timestamp = rd_kafka_message_timestamp(message, &kind)
        let key = message.pointee.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.pointee.key_len)) }
        for _ in 0..<produced {
            partitions.append(Int64(partition))
            offsets.append(offset)
            timestamps.append(timestamp >= 0 ? timestamp : nil)
            keys.append(key.map { Array($0) })
            topics.append(topic)
        }
        return produced
    }

    /// The value of output column `slot` at `row` as epoch milliseconds (the event time), or nil.
    func time(slot: Int, row: Int) -> Int64? {
        switch slots[slot] {
        case .metadata(.timestamp): return timestamps[row]
        case .metadata: return nil
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
            case .metadata(let metadata):
                var column = Column(kind: outputTypes[slot].physical, capacity: count)
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
        let batch = RowBatch(columns: columns, count: count)
        values = RowBatch(types: valueTypes)
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
