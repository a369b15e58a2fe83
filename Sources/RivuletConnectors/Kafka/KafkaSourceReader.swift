import CRdKafka
public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

/// Reads Kafka topics through a librdkafka consumer, one queue per partition.
///
/// Partitions are read in turn, one message from each (in topic and partition order), so the
/// order of rows — and with it the per-partition watermarks and which rows are late — depends
/// only on each partition's contents. A bounded read (`scan.bounded.mode = 'latest-offset'`)
/// waits for each partition's turn until it has a message or has reached the end offset taken
/// when the read started, fails when the cluster makes no progress for `timeout`, and commits
/// the end offsets to `properties.group.id` (when set) once everything has been read.
/// An unbounded read skips a partition that has nothing right now; after
/// `scan.watermark.idle-timeout` without messages the partition no longer holds the watermark.
///
/// Offsets belong to checkpoints: each checkpoint holds every partition's next offset, its
/// watermark and whose turn it is, and a restored reader is assigned exactly those offsets,
/// whatever the consumer group holds. The group's offsets are never committed automatically;
/// after each completed checkpoint its offsets are committed to `properties.group.id` (when
/// set, asynchronously) so lag tools see the query's progress.
///
/// In a cluster (`ConnectorContext.consumerGroup`) the reader subscribes instead: the group
/// decides which partitions this server reads. An assigned partition starts at the group's
/// committed offset (else where `auto.offset.reset` says), checkpoints' positions are not used,
/// each completed checkpoint commits the positions of the partitions still owned, and a revoked
/// partition has its last checkpointed position committed before the group hands it on: rows
/// read after that checkpoint are read again by the next owner (at least once), unless the
/// partition comes back to this reader untouched, which then goes on where it stopped.
public final class KafkaSourceReader: CheckpointableSource, LagReportingSource {
    private struct Partition {
        var topic: String
        var id: Int32
        var queue: OpaquePointer?
        /// The offset of the next message expected.
        var next: Int64
        /// The end of a bounded read: the high watermark when the read started.
        var end: Int64
        /// The partition's high watermark as last seen, for consumer lag.
        var high: Int64 = 0
        var finished: Bool
        /// A message taken from the queue but not yet decoded.
        var head: UnsafeMutablePointer<rd_kafka_message_t>?
        var lastMessageMillis: UInt64
        /// Whether this reader reads the partition: always without a consumer group, while
        /// assigned with one.
        var owned = true
        /// Which assignment made the partition owned, so that a position taken under an earlier
        /// one is never committed over the progress of another server.
        var assignment = 0
        /// In a group, the offset the group held for the partition as far as this reader knows
        /// (what it found at assignment or committed since; nil: none).
        var groupOffset: Int64?
        /// Revoked from this reader, whose `next` is where it stopped reading: if it comes back
        /// with the group's offset unchanged (no other server committed progress), reading goes
        /// on from there instead of reading again from the last checkpoint.
        var revoked = false
    }

    private let relationName: String
    private let options: KafkaOptions
    /// Where a partition without a committed offset starts: `earliest` or `latest`.
    private let offsetReset: String
    private let client: KafkaClient
    private let decoder: KafkaRecordDecoder
    private var partitions: [Partition] = []
    private var cursor = 0
    private var watermarks: PartitionWatermarks?
    /// The output column holding event time, when the relation declares a watermark.
    private let timeSlot: Int?
    private var lastError: String?
    private var committed = false
    private var assigned = false
    /// The positions written into the checkpoint being taken, committed to the group once it completes.
    private var checkpointedOffsets: [(index: Int, next: Int64, assignment: Int)] = []
    /// Set in a cluster: partitions come from the group.
    private let membership: ConsumerGroupMembership?
    private let rebalances: KafkaRebalanceRelay?
    /// The last completed checkpoint's position of each partition (by index), with the
    /// assignment it was taken under: what a revoked partition commits.
    private var completedOffsets: [Int: (next: Int64, assignment: Int)] = [:]
    private var assignmentCount = 0
    /// What went wrong inside the rebalance callback, thrown by the next `nextBatch`.
    private var rebalanceError: SQLError?

    /// The source's watermark after the rows returned so far.
    public var watermark: Int64 { watermarks?.watermark ?? Watermark.none }

    init(relation: Relation, columns: [Int], options: KafkaOptions, context: ConnectorContext) throws {
        var options = options
        if relation.isKsqlKafka, !context.follow {
            // A ksqlDB pull query reads what the topic holds now.
            options.startup = .earliest
            options.bounded = true
        }
        self.options = options
        relationName = relation.name
        decoder = try KafkaRecordDecoder(relation: relation, columns: columns, options: options, badRecords: context.badRecords)
        if let spec = relation.watermark, let slot = columns.firstIndex(of: spec.column) {
            timeSlot = slot
        } else {
            timeSlot = nil
        }
        var properties: [(key: String, value: String)] = [("enable.partition.eof", "true"), ("log_level", "2")]
        // librdkafka's consumer wants a group even for assigned partitions; without the user's,
        // a private one that nothing is ever committed to.
        if options.property("group.id") == nil, context.consumerGroup == nil {
            properties.append(("group.id", "rivulet-\(relation.name)-\(UInt64.random(in: 0...UInt64.max))"))
        }
        properties += options.properties
        // Positions live in checkpoints; the group only hears of them once a checkpoint completes.
        properties += [("enable.auto.commit", "false"), ("enable.auto.offset.store", "false")]
        membership = context.consumerGroup
        if let membership {
            properties += [("group.id", membership.groupId), ("group.instance.id", membership.instanceId)]
        }
        let rebalances = membership == nil ? nil : KafkaRebalanceRelay()
        self.rebalances = rebalances
        client = try KafkaClient(.consumer, properties: properties) { conf in rebalances?.install(on: conf) }
        // Without a group of the user's the query's group is new, as each ksqlDB query's is: it
        // has no committed offsets, so `auto.offset.reset` (the table's, else the session's)
        // decides where reading starts.
        offsetReset = (options.property("auto.offset.reset") ?? context.sessionOptions["auto.offset.reset"] ?? "latest").lowercased()
        let now = SystemClock.monotonicNanos() / 1_000_000
        for topic in options.topics {
            for id in try client.partitions(of: topic, timeoutMillis: options.timeoutMillis) {
                partitions.append(Partition(topic: topic, id: id, next: 0, end: .max, finished: false, lastMessageMillis: now))
            }
        }
        watermarks = relation.watermark.map { PartitionWatermarks(partitionCount: partitions.count, delayMillis: $0.delayMillis) }
        if membership != nil {
            // Nothing is read until the group assigns; partitions of other servers hold no watermark back.
            for index in partitions.indices {
                partitions[index].owned = false
                watermarks?.setIdle(index, true)
            }
            rebalances?.reader = self
            return
        }
        try resolveStartOffsets()
        for index in partitions.indices where partitions[index].finished { watermarks?.finish(index) }
    }

    deinit {
        for partition in partitions {
            if let head = partition.head { rd_kafka_message_destroy(head) }
            if let queue = partition.queue { rd_kafka_queue_destroy(queue) }
        }
        // Leaving the group revokes everything; with the reader gone the relay only unassigns.
        withExtendedLifetime(rebalances) { _ = rd_kafka_consumer_close(client.handle) }
    }

    public func nextBatch(maxRows: Int) throws -> RowBatch? {
        if !assigned { try assign() }
        var arrival: [Int64] = []
        var misses = 0
        while decoder.count < maxRows {
            // Rebalances happen here, between messages, never while one is being decoded.
            pollEvents()
            if let error = rebalanceError {
                rebalanceError = nil
                throw error
            }
            let readable = partitions.count(where: { $0.owned && !$0.finished })
            if readable == 0 {
                // In a group, owning nothing now: wait a little for an assignment.
                if membership != nil, decoder.count == 0 { pollEvents(waitingMillis: 100) }
                break
            }
            let index = cursor
            if partitions[index].finished || !partitions[index].owned {
                cursor = (cursor + 1) % partitions.count
                continue
            }
            guard let message = try take(index, waiting: options.bounded) else {
                cursor = (cursor + 1) % partitions.count
                if options.bounded { continue }
                // Unbounded: a partition with nothing now is skipped; after a whole round with
                // nothing, wait a little on the next one and return what there is.
                misses += 1
                if misses >= readable {
                    markIdlePartitions()
                    if decoder.count == 0 {
                        if partitions[cursor].owned && !partitions[cursor].finished {
                            partitions[cursor].head = consume(cursor, waitMillis: 100)
                        } else {
                            pollEvents(waitingMillis: 100)
                        }
                    }
                    break
                }
                continue
            }
            misses = 0
            defer { rd_kafka_message_destroy(message) }
            let first = decoder.count
            let produced = try decoder.decode(message, topic: partitions[index].topic)
            partitions[index].next = message.pointee.offset + 1
            partitions[index].lastMessageMillis = SystemClock.monotonicNanos() / 1_000_000
            if watermarks != nil {
                watermarks!.setIdle(index, false)
                for row in first..<(first + produced) {
                    arrival.append(watermarks!.watermark)
                    if let timeSlot, let time = decoder.time(slot: timeSlot, row: row) {
                        watermarks!.observe(eventTime: time, partition: index)
                    }
                }
            }
            if options.bounded, partitions[index].next >= partitions[index].end { finish(index) }
            cursor = (cursor + 1) % partitions.count
        }
        if decoder.count == 0, options.bounded, partitions.allSatisfy(\.finished) {
            try commitOffsets()
            return nil
        }
        var batch = decoder.takeBatch()
        if let watermarks {
            batch.arrivalWatermarks = arrival
            batch.sourceWatermark = watermarks.watermark
        }
        return batch
    }

    /// Where each partition's read starts (and, bounded, ends), from the startup mode.
    private func resolveStartOffsets() throws {
        var lows: [Int64] = []
        var highs: [Int64] = []
        for partition in partitions {
            var low: Int64 = 0
            var high: Int64 = 0
            let error = rd_kafka_query_watermark_offsets(client.handle, partition.topic, partition.id, &low, &high,
                                                         Int32(clamping: options.timeoutMillis))
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw client.unreachable(error, doing: "reading the offsets of \(partition.topic)/\(partition.id)")
            }
            lows.append(low)
            highs.append(high)
        }
        var starts: [Int64]
        switch options.startup {
        case .earliest: starts = lows
        case .latest: starts = highs
        case .groupOffsets:
            let committed = try lookup(-1001 /* RD_KAFKA_OFFSET_INVALID */) { list in
                rd_kafka_committed(client.handle, list, Int32(clamping: options.timeoutMillis))
            }
            let fromStart = ["earliest", "smallest", "beginning"].contains(offsetReset)
            starts = committed.indices.map { i in committed[i] >= 0 ? committed[i] : (fromStart ? lows[i] : highs[i]) }
        case .timestamp(let millis):
            let found = try lookup(millis) { list in
                rd_kafka_offsets_for_times(client.handle, list, Int32(clamping: options.timeoutMillis))
            }
            starts = found.indices.map { i in found[i] >= 0 ? found[i] : highs[i] }
        }
        for i in partitions.indices {
            partitions[i].high = highs[i]
            partitions[i].next = min(max(starts[i], lows[i]), highs[i])
            if options.bounded {
                partitions[i].end = highs[i]
                partitions[i].finished = partitions[i].next >= highs[i]
            }
        }
    }

    /// Runs a librdkafka call over a list of every partition with `offset` preset; returns the
    /// offsets it left in the list.
    private func lookup(_ offset: Int64, _ call: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> rd_kafka_resp_err_t) throws -> [Int64] {
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.id).pointee.offset = offset
        }
        let error = call(list)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw client.unreachable(error, doing: "looking up the start offsets of \(options.topics.joined(separator: ", "))")
        }
        return (0..<Int(list.pointee.cnt)).map { list.pointee.elems[$0].offset }
    }

    /// Gives each partition its own queue (so partitions can be read in turn) and assigns them,
    /// each at its next offset: where the startup mode says, or where a checkpoint left it.
    private func assign() throws {
        assigned = true
        if membership != nil { return try subscribe() }
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for index in partitions.indices where !partitions[index].finished {
            guard let queue = rd_kafka_queue_get_partition(client.handle, partitions[index].topic, partitions[index].id) else {
                throw SQLError(.internalError, "no queue for Kafka partition \(partitions[index].topic)/\(partitions[index].id)")
            }
            rd_kafka_queue_forward(queue, nil)
            partitions[index].queue = queue
            rd_kafka_topic_partition_list_add(list, partitions[index].topic, partitions[index].id).pointee.offset = partitions[index].next
        }
        let error = rd_kafka_assign(client.handle, list)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw client.unreachable(error, doing: "assigning partitions of \(options.topics.joined(separator: ", "))")
        }
    }

    /// The next message of partition `index`, or nil when there is none now (unbounded) or the
    /// partition has reached its end (bounded).
    private func take(_ index: Int, waiting: Bool) throws -> UnsafeMutablePointer<rd_kafka_message_t>? {
        if let head = partitions[index].head {
            partitions[index].head = nil
            return head
        }
        let started = SystemClock.monotonicNanos() / 1_000_000
        while true {
            if waiting { pollEvents() }
            if let message = consume(index, waitMillis: waiting ? 100 : 0) { return message }
            if partitions[index].finished || !waiting { return nil }
            let waited = SystemClock.monotonicNanos() / 1_000_000 - started
            if waited > UInt64(options.timeoutMillis) {
                let partition = partitions[index]
                throw SQLError(
                    .connectionFailure,
                    "no progress reading Kafka partition \(partition.topic)/\(partition.id) for \(options.timeoutMillis / 1000) s: "
                        + "at offset \(partition.next), expected records up to \(partition.end - 1)"
                        + (lastError.map { " (last error: \($0))" } ?? ""),
                    hint: "check that the brokers at \(client.bootstrapServers) are running, or raise 'timeout'")
            }
        }
    }

    /// One data message from the partition's queue; end-of-partition events and errors are
    /// handled here and give nil.
    private func consume(_ index: Int, waitMillis: Int32) -> UnsafeMutablePointer<rd_kafka_message_t>? {
        guard let queue = partitions[index].queue, let message = rd_kafka_consume_queue(queue, waitMillis) else { return nil }
        let error = message.pointee.err
        if error == RD_KAFKA_RESP_ERR_NO_ERROR { return message }
        defer { rd_kafka_message_destroy(message) }
        if error == RD_KAFKA_RESP_ERR__PARTITION_EOF {
            // Offsets below the end that carry no message (transaction markers, compaction).
            if options.bounded, message.pointee.offset >= partitions[index].end { finish(index) }
        } else {
            lastError = KafkaClient.describe(error)
        }
        return nil
    }

    /// Errors the consumer reports outside any partition (brokers down, authentication), and
    /// in a group its rebalances (the callback runs in here). Waits up to `waitingMillis` for the first.
    private func pollEvents(waitingMillis: Int32 = 0) {
        var wait = waitingMillis
        while let event = rd_kafka_consumer_poll(client.handle, wait) {
            wait = 0
            if event.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR { lastError = KafkaClient.describe(event.pointee.err) }
            rd_kafka_message_destroy(event)
        }
    }

    private func finish(_ index: Int) {
        partitions[index].finished = true
        watermarks?.finish(index)
    }

    private func markIdlePartitions() {
        guard let timeout = options.idleTimeoutMillis, watermarks != nil else { return }
        let now = SystemClock.monotonicNanos() / 1_000_000
        for index in partitions.indices where partitions[index].head == nil && !partitions[index].finished
            && now - partitions[index].lastMessageMillis >= UInt64(timeout) {
            watermarks!.setIdle(index, true)
        }
    }

    /// After a bounded read, the consumer group's offsets move to where the read ended, so lag
    /// tools see the progress.
    private func commitOffsets() throws {
        guard !committed, options.property("group.id") != nil, !partitions.isEmpty else { return }
        committed = true
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.id).pointee.offset = partition.next
        }
        let error = rd_kafka_commit(client.handle, list, 0)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw client.unreachable(error, doing: "committing offsets of group '\(options.property("group.id")!)'")
        }
    }

    // MARK: Consumer lag

    private var lagsRefreshedMillis: UInt64 = 0

    /// From the high watermarks librdkafka caches from fetch responses, refreshed at most once a second.
    public var partitionLags: [PartitionLag] {
        let now = SystemClock.monotonicNanos() / 1_000_000
        if assigned, now - lagsRefreshedMillis >= 1_000 {
            lagsRefreshedMillis = now
            for index in partitions.indices where partitions[index].owned {
                var low: Int64 = -1
                var high: Int64 = -1
                let error = rd_kafka_get_watermark_offsets(client.handle, partitions[index].topic, partitions[index].id, &low, &high)
                if error == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 { partitions[index].high = max(partitions[index].high, high) }
            }
        }
        return partitions.filter(\.owned).map {
            PartitionLag(source: relationName, topic: $0.topic, partition: $0.id, position: $0.next, end: max($0.high, $0.next))
        }
    }

    // MARK: Checkpoints

    private static let positionFormat: Int64 = 1

    public func savePosition(into writer: inout StateWriter) throws {
        writer.write(Self.positionFormat)
        writer.write(cursor)
        writer.write(watermarks?.watermark ?? Watermark.none)
        writer.write(partitions.count)
        for (index, partition) in partitions.enumerated() {
            writer.write(partition.topic)
            writer.write(partition.id)
            writer.write(partition.next)
            writer.write(watermarks?.watermark(ofPartition: index) ?? Watermark.none)
        }
        checkpointedOffsets = partitions.indices.filter { partitions[$0].owned }.map { ($0, partitions[$0].next, partitions[$0].assignment) }
    }

    public func restorePosition(from reader: inout StateReader) throws {
        guard try reader.readInt64() == Self.positionFormat else {
            throw SQLError(.ioError, "checkpoint is damaged: found Kafka positions written by another version of the format",
                           hint: "remove the query's folder under <data-dir>/queries to start it afresh")
        }
        let savedCursor = try reader.readInt()
        let sourceWatermark = try reader.readInt64()
        var saved: [String: (next: Int64, watermark: Int64)] = [:]
        for _ in 0..<(try reader.readCount()) {
            let topic = try reader.readString()
            let id = try reader.readInt32()
            saved["\(topic)/\(id)"] = (try reader.readInt64(), try reader.readInt64())
        }
        // In a group, positions are the group's committed offsets, read at each assignment.
        guard membership == nil else { return }
        var partitionWatermarks: [Int64] = []
        for index in partitions.indices {
            // A partition added since the checkpoint starts where the startup mode says.
            let position = saved["\(partitions[index].topic)/\(partitions[index].id)"]
            if let position {
                partitions[index].next = position.next
                if options.bounded { partitions[index].finished = position.next >= partitions[index].end }
            }
            partitionWatermarks.append(position?.watermark ?? Watermark.none)
        }
        cursor = partitions.isEmpty ? 0 : min(max(0, savedCursor), partitions.count - 1)
        // Afresh: partitions the startup offsets had found finished may have more to read now.
        if let delay = watermarks?.delayMillis { watermarks = PartitionWatermarks(partitionCount: partitions.count, delayMillis: delay) }
        watermarks?.restore(partitionWatermarks: partitionWatermarks, watermark: sourceWatermark)
        for index in partitions.indices where partitions[index].finished { watermarks?.finish(index) }
    }

    /// Commits the completed checkpoint's offsets to the user's consumer group, asynchronously:
    /// only for lag tools and `group-offsets` readers, never read back by this query.
    public func checkpointCompleted(_ checkpoint: Int64) {
        if membership != nil { return commitCheckpointToGroup() }
        guard options.property("group.id") != nil, !checkpointedOffsets.isEmpty else { return }
        let list = rd_kafka_topic_partition_list_new(Int32(checkpointedOffsets.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in checkpointedOffsets {
            rd_kafka_topic_partition_list_add(list, partitions[partition.index].topic, partitions[partition.index].id).pointee.offset = partition.next
        }
        // A failed commit only delays what lag tools see; the next checkpoint commits again.
        _ = rd_kafka_commit(client.handle, list, 1)
        // Serves the commit's result, which would otherwise pile up in the client's main queue.
        rd_kafka_poll(client.handle, 0)
    }
}

// MARK: Consumer group

extension KafkaSourceReader {
    /// Joins the group for the topics; partitions arrive through `rebalanced`.
    private func subscribe() throws {
        let list = rd_kafka_topic_partition_list_new(Int32(options.topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in options.topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
        let error = rd_kafka_subscribe(client.handle, list)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw client.unreachable(error, doing: "joining consumer group '\(membership?.groupId ?? "")'")
        }
    }

    /// librdkafka's rebalance callback (eager protocol): the whole assignment is revoked, then
    /// the new one assigned.
    func rebalanced(_ error: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS: partitionsAssigned(list)
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS: partitionsRevoked(list)
        default:
            lastError = KafkaClient.describe(error)
            rd_kafka_assign(client.handle, nil)
        }
    }

    private func indices(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [(element: Int, partition: Int?)] {
        (0..<Int(list.pointee.cnt)).map { element in
            let topic = String(cString: list.pointee.elems[element].topic)
            let id = list.pointee.elems[element].partition
            return (element, partitions.firstIndex { $0.topic == topic && $0.id == id })
        }
    }

    /// Each assigned partition starts at the group's committed offset, else where
    /// `auto.offset.reset` says, on its own queue.
    private func partitionsAssigned(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let group = membership?.groupId ?? ""
        let error = rd_kafka_committed(client.handle, list, Int32(clamping: options.timeoutMillis))
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            rebalanceError = client.unreachable(error, doing: "reading the committed offsets of consumer group '\(group)'")
        }
        assignmentCount += 1
        let now = SystemClock.monotonicNanos() / 1_000_000
        let fromStart = ["earliest", "smallest", "beginning"].contains(offsetReset)
        var described: [String] = []
        for (element, found) in indices(of: list) {
            guard let index = found else {
                // A partition added to the topic after the query started is not read until it restarts.
                described.append("\(String(cString: list.pointee.elems[element].topic))/\(list.pointee.elems[element].partition) (not read: new)")
                list.pointee.elems[element].offset = -1  // RD_KAFKA_OFFSET_END
                continue
            }
            let committed = list.pointee.elems[element].offset
            var next = committed
            // Back from a revocation with nobody's progress committed since: what the group holds
            // is what this reader left there, or nothing at all (a broker that acknowledged the
            // revocation's commit without keeping it); every row before `next` went to the sink
            // from here, and anything another member read meanwhile is at most written twice.
            let untouched = partitions[index].revoked && (committed < 0 || committed == partitions[index].groupOffset)
            if untouched {
                next = partitions[index].next
            } else if next < 0 {
                var low: Int64 = 0
                var high: Int64 = 0
                let error = rd_kafka_query_watermark_offsets(client.handle, partitions[index].topic, partitions[index].id, &low, &high,
                                                             Int32(clamping: options.timeoutMillis))
                if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                    rebalanceError = client.unreachable(error, doing: "reading the offsets of \(partitions[index].topic)/\(partitions[index].id)")
                }
                next = fromStart ? low : high
                partitions[index].high = max(partitions[index].high, high)
            }
            list.pointee.elems[element].offset = next
            if let queue = rd_kafka_queue_get_partition(client.handle, partitions[index].topic, partitions[index].id) {
                rd_kafka_queue_forward(queue, nil)
                partitions[index].queue = queue
            }
            partitions[index].next = next
            partitions[index].groupOffset = committed >= 0 ? committed : nil
            partitions[index].revoked = false
            partitions[index].owned = true
            partitions[index].assignment = assignmentCount
            partitions[index].lastMessageMillis = now
            watermarks?.setIdle(index, false)
            described.append("\(partitions[index].topic)/\(partitions[index].id) from offset \(next)")
        }
        let assigned = rd_kafka_assign(client.handle, list)
        if assigned != RD_KAFKA_RESP_ERR_NO_ERROR {
            rebalanceError = client.unreachable(assigned, doing: "taking the partitions consumer group '\(group)' assigned")
        }
        membership?.assignmentChanged("assigned \(described.isEmpty ? "no partitions" : described.joined(separator: ", "))")
    }

    /// Gives up every partition: each commits its last checkpointed position (rows after it
    /// may not have reached the sink yet), so the next owner resumes there; a partition this
    /// reader gets back untouched resumes where it stopped.
    private func partitionsRevoked(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let commit = rd_kafka_topic_partition_list_new(list.pointee.cnt)!
        defer { rd_kafka_topic_partition_list_destroy(commit) }
        var described: [String] = []
        var committing: [(index: Int, next: Int64)] = []
        for (_, found) in indices(of: list) {
            guard let index = found, partitions[index].owned else { continue }
            var note = "\(partitions[index].topic)/\(partitions[index].id)"
            if let done = completedOffsets[index], done.assignment == partitions[index].assignment {
                rd_kafka_topic_partition_list_add(commit, partitions[index].topic, partitions[index].id).pointee.offset = done.next
                committing.append((index, done.next))
                note += " at offset \(done.next)"
            }
            partitions[index].revoked = true
            described.append(note)
            if let head = partitions[index].head { rd_kafka_message_destroy(head) }
            partitions[index].head = nil
            if let queue = partitions[index].queue { rd_kafka_queue_destroy(queue) }
            partitions[index].queue = nil
            partitions[index].owned = false
            watermarks?.setIdle(index, true)
        }
        if commit.pointee.cnt > 0 {
            let error = rd_kafka_commit(client.handle, commit, 0)
            if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                // What the group holds now; a commit the broker refused leaves it as it was, so a
                // partition given back finds the group's offset unchanged and resumes where it stopped.
                for (index, next) in committing { partitions[index].groupOffset = next }
            } else {
                lastError = KafkaClient.describe(error)
            }
        }
        rd_kafka_assign(client.handle, nil)
        membership?.assignmentChanged("revoked \(described.isEmpty ? "no partitions" : described.joined(separator: ", "))")
    }

    /// Commits the completed checkpoint's positions of the partitions still owned under the
    /// same assignment: the group's offsets are where another server resumes. Asynchronously
    /// (a revocation commits again, and waits), so a broker that is down never stalls the query.
    private func commitCheckpointToGroup() {
        let current = checkpointedOffsets.filter { partitions[$0.index].owned && partitions[$0.index].assignment == $0.assignment }
        guard !current.isEmpty else { return }
        let list = rd_kafka_topic_partition_list_new(Int32(current.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for position in current {
            completedOffsets[position.index] = (position.next, position.assignment)
            partitions[position.index].groupOffset = position.next
            rd_kafka_topic_partition_list_add(list, partitions[position.index].topic, partitions[position.index].id).pointee.offset = position.next
        }
        // A failed commit is retried by the next checkpoint; until then a new owner reads more again.
        _ = rd_kafka_commit(client.handle, list, 1)
    }
}
