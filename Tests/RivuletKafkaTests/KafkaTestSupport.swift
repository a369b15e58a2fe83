import CRdKafka
import Foundation
import RivuletConnectors
import RivuletCore
import RivuletEngine
import RivuletPlanner
import RivuletRuntime

/// A mock cluster with topics, started in-process for one test.
func cluster(topics: [String: Int]) throws -> KafkaMockCluster {
    let cluster = try KafkaMockCluster()
    for (topic, partitions) in topics { try cluster.createTopic(topic, partitions: partitions) }
    return cluster
}

/// Options of a bounded Kafka relation reading from the start, with short timeouts.
func kafkaOptions(_ cluster: KafkaMockCluster, topic: String, format: String = "json", _ extra: [String: String] = [:]) -> [String: String] {
    kafkaOptions(cluster.bootstrapServers, topic: topic, format: format, extra)
}

func kafkaOptions(_ bootstrapServers: String, topic: String, format: String = "json", _ extra: [String: String] = [:]) -> [String: String] {
    var options = [
        "topic": topic, "properties.bootstrap.servers": bootstrapServers, "format": format,
        "scan.startup.mode": "earliest-offset", "scan.bounded.mode": "latest-offset", "timeout": "5 s",
    ]
    for (key, value) in extra { options[key] = value }
    return options
}

func relation(
    _ name: String, _ fields: [Field], connector: String = "kafka", _ options: [String: String], primaryKey: [Int] = [],
    watermark: WatermarkSpec? = nil
) -> Relation {
    var all = options
    all["connector"] = connector
    return Relation(
        name: name, kind: primaryKey.isEmpty ? .stream : .table, schema: Schema(fields),
        connector: ConnectorSpec(connector: connector, options: all), watermark: watermark, primaryKey: primaryKey)
}

func write(_ relation: Relation, _ batch: RowBatch) throws {
    let connector = KafkaConnector()
    try connector.validate(relation, asSink: true)
    let sink = try connector.makeSink(relation, context: context())
    try sink.write(batch)
    try sink.close()
}

/// Every row a bounded read of `relation` gives, and the bad-record log it reported to.
func readAll(_ relation: Relation, columns: [Int]? = nil, maxRows: Int = 1000) throws -> (rows: [[Value]], bad: BadRecordLog) {
    let connector = KafkaConnector()
    try connector.validate(relation, asSink: false)
    let context = context()
    let columns = columns ?? Array(relation.schema.fields.indices)
    let reader = try connector.makeSource(relation, columns: columns, context: context)
    let types = columns.map { relation.schema[$0].type }
    var rows: [[Value]] = []
    while let batch = try reader.nextBatch(maxRows: maxRows) {
        for row in 0..<batch.count { rows.append(batch.row(row, types: types)) }
    }
    return (rows, context.badRecords)
}

func context() -> ConnectorContext {
    ConnectorContext(workingDirectory: NSTemporaryDirectory(), dataDirectory: NSTemporaryDirectory(), badRecords: BadRecordLog())
}

func batch(_ types: [SQLType], _ rows: [[Value]], kinds: [RowKind]? = nil) -> RowBatch {
    var batch = RowBatch(types: types)
    for (i, row) in rows.enumerated() { batch.appendRow(row, kind: kinds?[i] ?? .insert) }
    return batch
}

/// Catches the SQLError a throwing call raises.
func sqlError(_ body: () throws -> Void) -> SQLError? {
    do {
        try body()
        return nil
    } catch let error as SQLError {
        return error
    } catch {
        return SQLError(.internalError, "\(error)")
    }
}

/// Produces raw messages to chosen partitions, as another application would.
func produce(_ cluster: KafkaMockCluster, topic: String, _ messages: [(partition: Int32, value: String?)]) throws {
    try produce(cluster.bootstrapServers, topic: topic, messages)
}

func produce(_ bootstrapServers: String, topic: String, _ messages: [(partition: Int32, value: String?)]) throws {
    try produce(bootstrapServers, topic: topic, bytes: messages.map { ($0.partition, $0.value.map { Array($0.utf8) }) })
}

/// Produces messages of any bytes (a NULL value is a tombstone) to chosen partitions.
func produce(_ bootstrapServers: String, topic: String, bytes messages: [(partition: Int32, value: [UInt8]?)]) throws {
    let conf = rd_kafka_conf_new()
    var message = [CChar](repeating: 0, count: 512)
    _ = rd_kafka_conf_set(conf, "bootstrap.servers", bootstrapServers, &message, message.count)
    guard let producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &message, message.count) else {
        throw SQLError(.internalError, String(cString: message))
    }
    defer { rd_kafka_destroy(producer) }
    let handle = rd_kafka_topic_new(producer, topic, nil)
    defer { rd_kafka_topic_destroy(handle) }
    for (partition, value) in messages {
        var bytes = value
        let status = bytes == nil
            ? rd_kafka_produce(handle, partition, 0x2, nil, 0, nil, 0, nil)
            : bytes!.withUnsafeMutableBytes { rd_kafka_produce(handle, partition, 0x2, $0.baseAddress, $0.count, nil, 0, nil) }
        guard status == 0 else { throw SQLError(.internalError, "produce failed: \(String(cString: rd_kafka_err2str(rd_kafka_last_error())))") }
    }
    guard rd_kafka_flush(producer, 10_000) == RD_KAFKA_RESP_ERR_NO_ERROR else { throw SQLError(.internalError, "flush timed out") }
}

/// Runs a script on a fresh engine; returns the last query's report.
func runScript(_ sql: String) throws -> QueryReport? {
    let directory = NSTemporaryDirectory() + "rivulet-kafka-" + UUID().uuidString
    let engine = Engine(configuration: EngineConfiguration(workingDirectory: directory, dataDirectory: directory, batchSize: 3))
    var last: QueryReport?
    for query in try engine.execute(script: sql).flatMap(\.queries) { last = try engine.run(query) }
    return last
}

/// Waits until `process`, a `rivulet run` on `data`, has written a checkpoint newer than any
/// there before it started (or has exited), so killing it then kills it in the middle of its run.
func waitForNewCheckpoint(in data: URL, of process: Process, timeout: TimeInterval = 60) {
    func latest() -> Int {
        let queries = data.appendingPathComponent("queries")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: queries.path)) ?? []
        return folders.flatMap { folder in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: queries.appendingPathComponent(folder).path)) ?? []
            return names.compactMap { $0.hasPrefix("checkpoint-") ? Int($0.dropFirst("checkpoint-".count)) : nil }
        }.max() ?? 0
    }
    let before = latest()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && latest() <= before && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
}
