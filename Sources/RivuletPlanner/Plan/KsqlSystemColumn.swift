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

    public init?(name: String) {
        self.init(rawValue: name.uppercased())
    }

    public var type: SQLType {
        switch self {
        case .rowPartition: return .integer
        case .rowtime, .rowOffset, .windowStart, .windowEnd: return .bigint
        }
    }

    public var field: Field { Field(rawValue, type, nullable: self != .rowtime) }

    /// The system columns of an unwindowed, and of a windowed, relation.
    public static let record: [KsqlSystemColumn] = [.rowtime, .rowPartition, .rowOffset]
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
