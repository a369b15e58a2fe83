public import RivuletCore

/// The columns ksqlDB gives every stream and table kept in Kafka, besides those declared:
/// filled from the record (its timestamp, partition and offset) and, for a windowed key, from
/// the window the key carries. They can be selected by name but are not part of `SELECT *`.
public enum KsqlSystemColumn: String, CaseIterable, Sendable {
    case rowtime = "ROWTIME"
    case rowPartition = "ROWPARTITION"
    case rowOffset = "ROWOFFSET"
    case windowStart = "WINDOWSTART"
    case windowEnd = "WINDOWEND"
    /// Whether the record had no value: a stream's record without a value still passes through
    /// a projection or a re-keying (`PARTITION BY`), with its value columns NULL, and is written
    /// again without a value. Not a ksqlDB name, so that no declared column can take it; only
    /// queries that select it read such records, the others skip them as ksqlDB's joins and
    /// aggregations do.
    case valueIsNull = "$VALUE_IS_NULL"

    public init?(name: String) {
        self.init(rawValue: name.uppercased())
    }

    public var type: SQLType {
        switch self {
        case .rowPartition: return .integer
        case .rowtime, .rowOffset, .windowStart, .windowEnd: return .bigint
        case .valueIsNull: return .boolean
        }
    }

    public var field: Field { Field(rawValue, type, nullable: self != .rowtime && self != .valueIsNull) }

    /// The columns ksqlDB names, taken from each record.
    public static let named: [KsqlSystemColumn] = [.rowtime, .rowPartition, .rowOffset]
    /// The system columns of an unwindowed, and of a windowed, relation.
    public static let record: [KsqlSystemColumn] = named + [.valueIsNull]
    public static let windowed: [KsqlSystemColumn] = record + [.windowStart, .windowEnd]
}

extension Relation {
    /// The system column of this name, if the relation has it.
    public func systemColumn(_ column: KsqlSystemColumn) -> Int? {
        systemColumns.first { schema[$0].name == column.rawValue }
    }

    /// Whether this relation is read and written as ksqlDB keeps streams and tables in Kafka:
    /// the key columns are the message key, the rest the value, plus the system columns.
    public var isKsqlKafka: Bool { !systemColumns.isEmpty }
}
