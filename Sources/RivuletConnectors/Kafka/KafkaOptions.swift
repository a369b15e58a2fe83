#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RivuletCore
import RivuletPlanner

/// The options of the `kafka` and `upsert-kafka` connectors, read and checked once.
///
/// Flink spelling: `topic` (several separated by `;`), `properties.bootstrap.servers`,
/// `properties.group.id`, any other `properties.*` passed to librdkafka as it is,
/// `scan.startup.mode`, `scan.startup.timestamp-millis`, `scan.bounded.mode`,
/// `scan.watermark.idle-timeout`, `format` / `value.format`, `key.format`, `key.fields`.
/// ksqlDB spelling: `KAFKA_TOPIC`, `VALUE_FORMAT`, `KEY_FORMAT`. Ours: `timeout`, how long to
/// wait on the cluster (metadata, offsets, a bounded read that stops making progress, a flush)
/// before failing, and `on-error`. Without `properties.bootstrap.servers` the environment
/// variable `RIVULET_KAFKA_BOOTSTRAP_SERVERS` is used (ksqlDB scripts name no brokers).
struct KafkaOptions: Sendable {
    enum StartupMode: Sendable, Equatable {
        case earliest
        case latest
        case groupOffsets
        case timestamp(Int64)
    }

    enum OnError: String, Sendable {
        case skip
        case fail
    }

    var connector: String
    var topics: [String]
    /// librdkafka properties, `properties.` removed, in a stable order.
    var properties: [(key: String, value: String)]
    var startup: StartupMode
    /// `scan.bounded.mode = 'latest-offset'`: stop at the end offsets seen when the read starts.
    var bounded: Bool
    var idleTimeoutMillis: Int64?
    var valueFormat: KafkaFormat
    var keyFormat: KafkaFormat
    var keyFields: [String]
    var csv: CSVOptions
    var ignoreParseErrors: Bool
    var onError: OnError
    var timeoutMillis: Int64
    /// `'sink.delivery-guarantee' = 'exactly-once'`: the sink writes in Kafka transactions.
    var exactlyOnce: Bool
    /// `sink.transactional-id-prefix`: the start of the producer's `transactional.id`.
    var transactionalIdPrefix: String?
    /// ksqlDB's `WINDOW_TYPE` and `WINDOW_SIZE`: the keys carry windows.
    var window: KafkaKeyDecoder.Window?
    /// ksqlDB's `PARTITIONS`: the partition count of a topic created for a sink.
    var partitions: Int?
    /// ksqlDB's `WRAP_SINGLE_VALUE = false`: a single value column is the bare value, not an object.
    var wrapSingleValue: Bool
    /// `debezium-json.schema-include`: each event is wrapped in `schema` / `payload`, as
    /// Kafka Connect's JSON converter writes it with schemas enabled.
    var debeziumSchemaIncluded: Bool
    /// The Schema Registry of the `AVRO`, `JSON_SR` and `PROTOBUF` formats: the session's
    /// `ksql.schema.registry.url` (see `applySession`), else `RIVULET_SCHEMA_REGISTRY_URL`.
    var schemaRegistryURL: String?
    /// ksqlDB's `KEY_SCHEMA_ID` and `VALUE_SCHEMA_ID`: the registered schema records are written with.
    var keySchemaID: Int?
    var valueSchemaID: Int?
    /// ksqlDB's `KEY_SCHEMA_FULL_NAME`, `VALUE_SCHEMA_FULL_NAME`: the record or message of the schema the keys or values are.
    var keySchemaFullName: String?
    var valueSchemaFullName: String?

    static let known: Set<String> = [
        "topic", "kafka_topic", "scan.startup.mode", "scan.startup.timestamp-millis", "scan.bounded.mode",
        "scan.watermark.idle-timeout", "format", "value.format", "value_format", "key.format", "key_format",
        "key.fields", "timeout", "on-error", "sink.delivery-guarantee", "sink.transactional-id-prefix",
        "csv.field-delimiter", "csv.quote-character", "csv.ignore-parse-errors", "csv.null-literal",
        "json.ignore-parse-errors", "value.csv.field-delimiter", "value.json.ignore-parse-errors",
        "window_type", "window_size", "partitions", "wrap_single_value",
        "debezium-json.schema-include", "debezium-json.ignore-parse-errors",
        "key_schema_id", "value_schema_id", "key_schema_full_name", "value_schema_full_name",
    ]
    /// Options of Flink or ksqlDB that change nothing here; accepted so scripts run as they are.
    static let ignored: Set<String> = [
        "value.fields-include", "sink.partitioner", "sink.parallelism", "scan.topic-partition-discovery.interval",
        "replicas", "json.fail-on-missing-field", "json.timestamp-format.standard",
        "sink.buffer-flush.max-rows", "sink.buffer-flush.interval", "debezium-json.timestamp-format.standard",
    ]

    static let bootstrapVariable = "RIVULET_KAFKA_BOOTSTRAP_SERVERS"
    static let schemaRegistryVariable = "RIVULET_SCHEMA_REGISTRY_URL"

    init(_ spec: ConnectorSpec) throws(SQLError) {
        let options = try ConnectorOptions(
            spec, known: Self.known, prefixes: ["properties."], ignored: Self.ignored,
            ignoredPrefixes: ["key.json.", "key.csv.", "value.avro", "key.avro"])
        connector = options.connector
        let topicText = options["topic"] ?? options["kafka_topic"] ?? ""
        topics = topicText.split(separator: ";").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        guard !topics.isEmpty else {
            throw SQLError(.invalidParameterValue, "missing option 'topic' for connector '\(connector)'",
                           hint: "name the topic: 'topic' = 'events' (or KAFKA_TOPIC = 'events')")
        }
        var properties: [(String, String)] = []
        for key in options.values.keys.sorted() where key.hasPrefix("properties.") {
            properties.append((String(key.dropFirst("properties.".count)), options.values[key]!))
        }
        if !properties.contains(where: { $0.0 == "bootstrap.servers" }) {
            guard let servers = getenv(Self.bootstrapVariable).map({ String(cString: $0) }), !servers.isEmpty else {
                throw SQLError(
                    .invalidParameterValue, "missing option 'properties.bootstrap.servers' for connector '\(connector)'",
                    hint: "add 'properties.bootstrap.servers' = 'host:9092' or set \(Self.bootstrapVariable)")
            }
            properties.append(("bootstrap.servers", servers))
        }
        self.properties = properties

        switch try options.choice("scan.startup.mode", ["earliest-offset", "latest-offset", "group-offsets", "timestamp"],
                                  default: "group-offsets") {
        case "earliest-offset": startup = .earliest
        case "latest-offset": startup = .latest
        case "timestamp":
            guard let millis = try options.int("scan.startup.timestamp-millis") else {
                throw SQLError(.invalidParameterValue,
                               "'scan.startup.mode' = 'timestamp' needs 'scan.startup.timestamp-millis' (epoch milliseconds)")
            }
            startup = .timestamp(millis)
        default: startup = .groupOffsets
        }
        bounded = try options.choice("scan.bounded.mode", ["unbounded", "latest-offset"], default: "unbounded") == "latest-offset"
        if let millis = try options.duration("scan.watermark.idle-timeout", positive: true) { idleTimeoutMillis = millis }
        timeoutMillis = try options.duration("timeout", positive: true) ?? 30_000

        let valueKey = ["value.format", "format", "value_format"].first { options.contains($0) }
        guard let valueKey, let value = KafkaFormat(name: options[valueKey]!.trimmingSpaces) else {
            if let valueKey {
                throw options.invalid(valueKey, options[valueKey]!, expected: "one of 'json', 'csv', 'raw', 'avro', 'json_sr', 'protobuf'")
            }
            throw SQLError(.invalidParameterValue, "missing option 'format' for connector '\(connector)'",
                           hint: "add 'format' = 'json' (or 'csv', 'raw')")
        }
        valueFormat = value
        let keyKey = ["key.format", "key_format"].first { options.contains($0) }
        if let keyKey {
            guard let key = KafkaFormat(name: options[keyKey]!.trimmingSpaces) else {
                throw options.invalid(keyKey, options[keyKey]!, expected: "one of 'json', 'csv', 'raw'")
            }
            guard key != .debeziumJSON else {
                throw options.invalid(keyKey, options[keyKey]!, expected: "a key format: 'json', 'csv' or 'raw' ('debezium-json' is a value format)")
            }
            keyFormat = key
        } else if value == .debeziumJSON {
            keyFormat = .json  // Debezium's keys are the primary key as a JSON object
        } else if options.contains("kafka_topic"), !options.contains("format") {
            keyFormat = .kafka  // ksqlDB's default key format
        } else {
            keyFormat = value
        }
        keyFields = (options["key.fields"] ?? "").split(separator: ";").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }

        csv = CSVOptions()
        if let delimiter = options["csv.field-delimiter"] ?? options["value.csv.field-delimiter"] {
            let bytes = Array((delimiter == "\\t" ? "\t" : delimiter).utf8)
            guard bytes.count == 1 else { throw options.invalid("csv.field-delimiter", delimiter, expected: "a single character") }
            csv.delimiter = bytes[0]
        }
        if let quote = options["csv.quote-character"] {
            let bytes = Array(quote.utf8)
            guard bytes.count == 1 else { throw options.invalid("csv.quote-character", quote, expected: "a single character") }
            csv.quote = bytes[0]
        }
        if let literal = options["csv.null-literal"] {
            csv.nullLiteral = Array(literal.utf8)
        } else if options.contains("kafka_topic") {
            csv.nullLiteral = []  // ksqlDB's DELIMITED: an empty field is NULL, as it writes NULL
        }
        switch valueFormat {
        case .csv: ignoreParseErrors = try options.bool("csv.ignore-parse-errors", default: false)
        case .debeziumJSON: ignoreParseErrors = try options.bool("debezium-json.ignore-parse-errors", default: false)
        default:
            let key = options.contains("value.json.ignore-parse-errors") ? "value.json.ignore-parse-errors" : "json.ignore-parse-errors"
            ignoreParseErrors = try options.bool(key, default: false)
        }
        debeziumSchemaIncluded = try options.bool("debezium-json.schema-include", default: false)
        keySchemaID = try options.int("key_schema_id").map(Int.init)
        valueSchemaID = try options.int("value_schema_id").map(Int.init)
        keySchemaFullName = options["key_schema_full_name"]
        valueSchemaFullName = options["value_schema_full_name"]
        schemaRegistryURL = getenv(Self.schemaRegistryVariable).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        onError = OnError(rawValue: try options.choice("on-error", ["skip", "fail"], default: "skip"))!
        exactlyOnce = try options.choice("sink.delivery-guarantee", ["none", "at-least-once", "exactly-once"], default: "at-least-once")
            == "exactly-once"
        transactionalIdPrefix = options["sink.transactional-id-prefix"]
        partitions = try options.int("partitions").map(Int.init)
        wrapSingleValue = try options.bool("wrap_single_value", default: true)
        if let type = options["window_type"] {
            switch type.lowercased() {
            case "session":
                if options.contains("window_size") {
                    throw SQLError(.invalidParameterValue, "'WINDOW_SIZE' should not be set for SESSION windows.", hint: "remove WINDOW_SIZE")
                }
                window = .session
            case "tumbling", "hopping":
                guard let size = try options.duration("window_size", positive: true) else {
                    throw SQLError(.invalidParameterValue, "WINDOW_TYPE '\(type)' needs WINDOW_SIZE", hint: "add WINDOW_SIZE = '10 SECONDS'")
                }
                window = .time(sizeMillis: size)
            default:
                throw options.invalid("window_type", type, expected: "one of 'TUMBLING', 'HOPPING', 'SESSION'")
            }
        }
    }

    /// Takes the session's settings that concern the connectors (`ksql.schema.registry.url`).
    mutating func applySession(_ settings: [String: String]) {
        if let url = settings[SchemaRegistrySetting.key], !url.isEmpty { schemaRegistryURL = url }
    }

    /// The registry client of `format`'s records, which must name a registry.
    func registryClient(for format: KafkaFormat) throws(SQLError) -> SchemaRegistryClient {
        guard let url = schemaRegistryURL else {
            throw SQLError(.invalidParameterValue, "the \(format.rawValue.uppercased()) format needs a schema registry, and none is set",
                           hint: "SET '\(SchemaRegistrySetting.key)' = 'http://host:8081', or set \(Self.schemaRegistryVariable)")
        }
        return SchemaRegistryClient.shared(url: url)
    }

    /// A librdkafka property as given, if any.
    func property(_ key: String) -> String? { properties.first { $0.key == key }?.value }

    var bootstrapServers: String { property("bootstrap.servers") ?? "" }
}
