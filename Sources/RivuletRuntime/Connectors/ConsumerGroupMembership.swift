/// How a source that reads a partitioned log shares it with the other servers of a cluster:
/// it joins `groupId` under the static identity `instanceId`, and reads only the partitions the
/// group assigns it, from the group's committed offsets, as Kafka Streams members do.
public struct ConsumerGroupMembership: Sendable {
    public var groupId: String
    /// Stable across restarts of the same server, so a server that comes back gets its
    /// partitions back instead of waiting for the group to expire it.
    public var instanceId: String
    /// Told, in words, each time partitions are assigned or revoked (for the server's log).
    public var assignmentChanged: @Sendable (String) -> Void

    public init(groupId: String, instanceId: String, assignmentChanged: @escaping @Sendable (String) -> Void) {
        self.groupId = groupId
        self.instanceId = instanceId
        self.assignmentChanged = assignmentChanged
    }
}
