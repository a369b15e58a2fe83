/// A `pgoutput` Relation message: a table's identity and columns as the changes that follow use them.
public struct PgOutputRelation: Equatable, Sendable {
    public struct Column: Equatable, Sendable {
        /// Part of the replica identity (the primary key, or every column under FULL).
        public var isKey: Bool
        public var name: String
        public var typeID: UInt32
        public var typeModifier: Int32

        public init(isKey: Bool, name: String, typeID: UInt32, typeModifier: Int32) {
            self.isKey = isKey
            self.name = name
            self.typeID = typeID
            self.typeModifier = typeModifier
        }
    }

    /// `relreplident`: which old values updates and deletes carry.
    public enum ReplicaIdentity: UInt8, Equatable, Sendable {
        /// `d`: the primary key.
        case `default` = 100
        /// `n`: nothing.
        case nothing = 110
        /// `f`: the whole old row.
        case full = 102
        /// `i`: the columns of a chosen unique index.
        case index = 105
    }

    public var id: UInt32
    public var namespace: String
    public var name: String
    public var replicaIdentity: ReplicaIdentity
    public var columns: [Column]

    public init(id: UInt32, namespace: String, name: String, replicaIdentity: ReplicaIdentity, columns: [Column]) {
        self.id = id
        self.namespace = namespace
        self.name = name
        self.replicaIdentity = replicaIdentity
        self.columns = columns
    }
}
