import Foundation
public import RivuletCore
import RivuletConnectors
import RivuletPlanner
public import RivuletRuntime

/// The options `SET 'key' = 'value'` gives, parsed once when set: a value that does not parse
/// fails the SET. Keys the engine does not use (a connector's or another engine's) are kept as
/// given, except one a typo away from a key the engine reads, which is refused naming it. A server keeps one value per session and hands it to the engine with each statement.
public struct Settings: Sendable, Hashable {
    /// Every option as given, by lower-cased key.
    public private(set) var values: [String: String] = [:]
    /// `execution.checkpointing.interval`, as Flink names it.
    public private(set) var checkpointIntervalMillis: Int64?
    /// `state.memory-budget`: keys of a group aggregate held in memory, the rest spilled.
    public private(set) var memoryBudget: Int?
    /// `errors.max-entries`: lines an error log file keeps.
    public private(set) var errorLogMaxEntries = ErrorLogFile.defaultMaxEntries
    /// `table.exec.state.ttl`: join rows untouched for that long (event time) are forgotten.
    public private(set) var stateTTLMillis: Int64?
    /// `statement_timeout` (Postgres'): a SELECT of the session running longer is cancelled.
    public private(set) var statementTimeoutMillis: Int64?
    /// ksqlDB's `ksql.functions.collect_list.limit` and `..collect_set.limit`: the most values
    /// a COLLECT_LIST or COLLECT_SET keeps (the first ones to arrive).
    public private(set) var collectListLimit: Int?
    public private(set) var collectSetLimit: Int?
    /// `late-rows.sink`: the table a query started afterwards also writes its late rows to.
    public private(set) var lateRowSink: String?

    public static let checkpointIntervalKey = "execution.checkpointing.interval"
    public static let memoryBudgetKey = "state.memory-budget"
    public static let errorLogMaxEntriesKey = "errors.max-entries"
    public static let stateTTLKey = "table.exec.state.ttl"
    public static let statementTimeoutKey = "statement_timeout"
    /// Read by the Kafka source when a query starts, as ksqlDB scripts set it.
    public static let autoOffsetResetKey = "auto.offset.reset"
    /// Where the Kafka connectors find the Schema Registry of the AVRO, JSON_SR and PROTOBUF formats (ksqlDB's name).
    public static let schemaRegistryURLKey = SchemaRegistrySetting.key
    public static let collectListLimitKey = "ksql.functions.collect_list.limit"
    public static let collectSetLimitKey = "ksql.functions.collect_set.limit"
    public static let lateRowSinkKey = "late-rows.sink"

    /// The keys something in Rivulet reads.
    public static let knownKeys = [
        checkpointIntervalKey, memoryBudgetKey, errorLogMaxEntriesKey, stateTTLKey, statementTimeoutKey, autoOffsetResetKey, schemaRegistryURLKey,
        collectListLimitKey, collectSetLimitKey, lateRowSinkKey,
    ]
    /// Edits that make a key a typo of a known one; more would take other engines' keys for
    /// typos (Flink's `execution.checkpointing.mode` is 7 edits from `...interval`).
    static let typoDistance = 2

    public init() {}

    public mutating func set(_ key: String, _ value: String) throws(SQLError) {
        let key = key.lowercased()
        let text = value.trimmingCharacters(in: .whitespaces)
        switch key {
        case Self.checkpointIntervalKey:
            checkpointIntervalMillis = try DurationText.milliseconds(text, for: "'\(key)'", positive: true)
        case Self.memoryBudgetKey:
            guard let keys = Int(text), keys > 0 else {
                throw Self.invalid(key, value, hint: "give the number of keys a group aggregate may hold in memory, e.g. '100000'")
            }
            memoryBudget = keys
        case Self.errorLogMaxEntriesKey:
            guard let entries = Int(text), entries > 0 else {
                throw Self.invalid(key, value, hint: "give the number of lines an error log keeps, e.g. '10000'")
            }
            errorLogMaxEntries = entries
        case Self.stateTTLKey:
            let millis = try DurationText.milliseconds(text, for: "'\(key)'")
            stateTTLMillis = millis > 0 ? millis : nil
        case Self.statementTimeoutKey:
            let millis = try DurationText.milliseconds(text, for: "'\(key)'")
            statementTimeoutMillis = millis > 0 ? millis : nil
        case Self.collectListLimitKey, Self.collectSetLimitKey:
            guard let limit = Int(text), limit > 0 else {
                throw Self.invalid(key, value, hint: "give the most values a COLLECT_LIST or COLLECT_SET keeps, e.g. '1000'")
            }
            if key == Self.collectListLimitKey { collectListLimit = limit } else { collectSetLimit = limit }
        case Self.lateRowSinkKey:
            // Checked against the catalog when a query starts: the table may be created after the SET.
            lateRowSink = text.isEmpty ? nil : text
        default:
            if !Self.knownKeys.contains(key), let known = closestName(to: key, among: Self.knownKeys, maxDistance: Self.typoDistance) {
                throw SQLError(.undefinedObject, "unknown setting '\(key)': did you mean '\(known)'?",
                               hint: "settings Rivulet reads: \(Self.knownKeys.joined(separator: ", "))")
            }
        }
        values[key] = value
    }

    /// `RESET 'key'`, or `RESET` of every option when nil.
    public mutating func reset(_ key: String?) {
        guard let key else {
            self = Settings()
            return
        }
        let fresh = Settings()
        switch key.lowercased() {
        case Self.checkpointIntervalKey: checkpointIntervalMillis = fresh.checkpointIntervalMillis
        case Self.memoryBudgetKey: memoryBudget = fresh.memoryBudget
        case Self.errorLogMaxEntriesKey: errorLogMaxEntries = fresh.errorLogMaxEntries
        case Self.stateTTLKey: stateTTLMillis = fresh.stateTTLMillis
        case Self.statementTimeoutKey: statementTimeoutMillis = fresh.statementTimeoutMillis
        case Self.collectListLimitKey: collectListLimit = fresh.collectListLimit
        case Self.collectSetLimitKey: collectSetLimit = fresh.collectSetLimit
        case Self.lateRowSinkKey: lateRowSink = fresh.lateRowSink
        default: break
        }
        values.removeValue(forKey: key.lowercased())
    }

    /// The settings in force, as `SHOW PROPERTIES` and Flink's `SET;` list them: each key Rivulet
    /// reads with its value (`source` 'session' when set, else 'default'), then every other key
    /// the session set, by name. `checkpointIntervalMillis` is what applies without a SET (a
    /// server's queries and `rivulet run` differ).
    public func inForce(checkpointIntervalMillis defaultInterval: Int64) -> ResultSet {
        let defaults: [String: String?] = [
            Self.checkpointIntervalKey: "\(defaultInterval) ms",
            // No budget: a group aggregate keeps every key in memory.
            Self.memoryBudgetKey: nil,
            Self.errorLogMaxEntriesKey: String(ErrorLogFile.defaultMaxEntries),
            Self.stateTTLKey: "0",
            Self.statementTimeoutKey: "0",
            Self.autoOffsetResetKey: "latest",
            // No limit: every value is kept.
            Self.collectListLimitKey: nil,
            Self.collectSetLimitKey: nil,
            // None: late rows go to the rivulet_late_rows table only.
            Self.lateRowSinkKey: nil,
        ]
        var rows: [[Value]] = []
        for key in Self.knownKeys {
            if let value = values[key] {
                rows.append([.string(key), .string(value), .string("session")])
            } else {
                rows.append([.string(key), (defaults[key] ?? nil).map(Value.string) ?? .null, .string("default")])
            }
        }
        for (key, value) in values.sorted(by: { $0.key < $1.key }) where !Self.knownKeys.contains(key) {
            rows.append([.string(key), .string(value), .string("session")])
        }
        let schema = Schema([Field("key", .varchar), Field("value", .varchar), Field("source", .varchar)])
        return ResultSet(schema: schema, rows: rows)
    }

    /// Settings from options as given (a catalog log's record of a session's options).
    public init(_ values: [String: String]) throws(SQLError) {
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { try set(key, value) }
    }

    /// How operators hold state under these settings, spilling under `spillDirectory`.
    public func stateOptions(spillDirectory: String) -> StateOptions {
        StateOptions(memoryBudget: memoryBudget, spillDirectory: spillDirectory)
    }

    private static func invalid(_ key: String, _ value: String, hint: String) -> SQLError {
        SQLError(.invalidParameterValue, "invalid '\(key)' '\(value)'", hint: hint)
    }
}
