/// A source that can say where it is and continue from there, so a checkpoint holds its
/// position and a restarted query reads on from the next unread record.
///
/// Contract: `savePosition` is called between `nextBatch` calls and writes the position of the
/// first record not yet returned; `restorePosition` is called on a freshly opened reader,
/// before its first `nextBatch`, with what `savePosition` wrote. Sources that do not adopt it
/// are resumed by reading and discarding as many rows as they had returned, which is right only
/// when they return the same rows in the same order each time (embedded streams, tables).
///
/// `checkpointCompleted` is called once the checkpoint holding the position last saved is
/// durable and its sink has committed, so a source can tell the outside world (a Kafka consumer
/// group) how far the query has got. Its default does nothing.
public protocol CheckpointableSource: SourceReader {
    func savePosition(into writer: inout StateWriter) throws
    func restorePosition(from reader: inout StateReader) throws
    func checkpointCompleted(_ checkpoint: Int64)
}

extension CheckpointableSource {
    public func checkpointCompleted(_ checkpoint: Int64) {}
}
