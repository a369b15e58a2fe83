import Foundation
public import RivuletCore
import Collections

/// Reads a source on a thread of its own, up to `depth` batches ahead of the query, so decoding
/// (CSV parsing, generating events) runs on one core while the operators run on another.
///
/// The batches come out exactly as the source returned them, in order, so a query's output does
/// not change. The reader's bad records are collected per batch (it is opened with a `staging`
/// log of its own) and moved to the query's log when that batch is taken, so the log never runs
/// ahead of the rows the query has seen; for a `CheckpointableSource` the position after each
/// batch is saved on the reading thread and `savePosition` reports the one after the last
/// batch taken. An error thrown by the reader is rethrown by the `nextBatch` call that reaches it.
///
/// Only for sources that never wait for input (bounded files, generators): the thread keeps
/// calling `nextBatch` while the queue has room. It stops at the end of the source, after an
/// error, or when this object goes away.
public class ReadAheadSource: ProgressReportingSource {
    fileprivate struct Item {
        var batch: RowBatch?
        var error: (any Error)?
        var badRecords: [BadRecordLog.Entry] = []
        var position: StateWriter?
        var progress: InputProgress?
    }

    /// The queue between the reading thread and the query, guarded by `condition`.
    fileprivate final class Channel: @unchecked Sendable {
        let condition = NSCondition()
        /// Batches read and not yet taken; a taken batch leaves at once, so at most `depth` are held.
        var items = Deque<Item>()
        var cancelled = false
        let depth: Int

        init(depth: Int) { self.depth = depth }

        /// Waits for room; false once the consumer has gone.
        func waitForRoom() -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while items.count >= depth, !cancelled { condition.wait() }
            return !cancelled
        }

        func put(_ item: Item) {
            condition.lock()
            items.append(item)
            condition.broadcast()
            condition.unlock()
        }

        func take() -> Item {
            condition.lock()
            defer { condition.unlock() }
            while items.isEmpty { condition.wait() }
            let item = items.removeFirst()
            condition.broadcast()
            return item
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Lets the reading thread own the (non-Sendable) reader: after `start` only it touches it.
    private struct Handover: @unchecked Sendable {
        let reader: any SourceReader
        let staging: BadRecordLog
    }

    fileprivate let inner: any SourceReader
    private let channel: Channel
    private let staging: BadRecordLog
    private let log: BadRecordLog
    private let batchRows: Int
    fileprivate var started = false
    private var ended = false
    private var leftover: RowBatch?
    /// The source's position after the last batch taken (checkpointable sources only).
    fileprivate var position: StateWriter?
    /// How much of its input the source had read when it returned the last batch taken.
    private var progress: InputProgress?

    /// The right wrapper for `reader`: one that is itself checkpointable when the reader is.
    /// `reader` must have been opened with `staging` as its bad-record log; `log` is the query's.
    public static func wrapping(
        _ reader: any SourceReader, batchRows: Int, staging: BadRecordLog, log: BadRecordLog, depth: Int = 4
    ) -> ReadAheadSource {
        if reader is any CheckpointableSource {
            return CheckpointableReadAheadSource(reader, batchRows: batchRows, staging: staging, log: log, depth: depth)
        }
        return ReadAheadSource(reader, batchRows: batchRows, staging: staging, log: log, depth: depth)
    }

    fileprivate init(_ reader: any SourceReader, batchRows: Int, staging: BadRecordLog, log: BadRecordLog, depth: Int) {
        inner = reader
        channel = Channel(depth: max(1, depth))
        self.staging = staging
        self.log = log
        self.batchRows = max(1, batchRows)
    }

    deinit {
        channel.cancel()
    }

    public func nextBatch(maxRows: Int) throws -> RowBatch? {
        if let rest = leftover {
            leftover = nil
            return split(rest, maxRows: maxRows)
        }
        if ended { return nil }
        if !started { start() }
        let item = channel.take()
        for entry in item.badRecords { log.record(entry) }
        if let saved = item.position { position = saved }
        if let read = item.progress { progress = read }
        if let error = item.error {
            ended = true
            throw error
        }
        guard let batch = item.batch else {
            ended = true
            return nil
        }
        return split(batch, maxRows: maxRows)
    }

    /// As of the last batch taken (the reading thread may be a few batches further).
    public var inputProgress: InputProgress? {
        guard started else { return (inner as? any ProgressReportingSource)?.inputProgress }
        return progress
    }

    /// Batches are read `batchRows` at a time; a caller asking for fewer (skipping rows while
    /// resuming) gets the rest of the batch on its next calls.
    private func split(_ batch: RowBatch, maxRows: Int) -> RowBatch {
        guard batch.count > maxRows, maxRows > 0 else { return batch }
        leftover = batch.gather(Array(maxRows..<batch.count))
        return batch.gather(Array(0..<maxRows))
    }

    private func start() {
        started = true
        if let checkpointable = inner as? any CheckpointableSource {
            var writer = StateWriter()
            if (try? checkpointable.savePosition(into: &writer)) != nil { position = writer }
        }
        let handover = Handover(reader: inner, staging: staging)
        let channel = self.channel
        let rows = batchRows
        let thread = Thread {
            let reader = handover.reader
            let checkpointable = reader as? any CheckpointableSource
            let reporting = reader as? any ProgressReportingSource
            while channel.waitForRoom() {
                var item = Item()
                do {
                    item.batch = try reader.nextBatch(maxRows: rows)
                    if let checkpointable, item.batch != nil {
                        var writer = StateWriter()
                        try checkpointable.savePosition(into: &writer)
                        item.position = writer
                    }
                    item.progress = reporting?.inputProgress
                } catch {
                    item.error = error
                }
                item.badRecords = handover.staging.takeAll()
                channel.put(item)
                if item.batch == nil || item.error != nil { return }
            }
        }
        thread.name = "rivulet-read-ahead"
        thread.start()
    }
}

/// A read-ahead source over a `CheckpointableSource`: positions as of the last batch taken.
final class CheckpointableReadAheadSource: ReadAheadSource, CheckpointableSource {
    func savePosition(into writer: inout StateWriter) throws {
        guard started, let position else {
            try (inner as! any CheckpointableSource).savePosition(into: &writer)
            return
        }
        writer.append(position)
    }

    /// Called on a freshly opened source, before the reading thread starts.
    func restorePosition(from reader: inout StateReader) throws {
        guard !started else { throw SQLError.internal("restoring a source that is already being read") }
        try (inner as! any CheckpointableSource).restorePosition(from: &reader)
    }

    /// Not forwarded: the reader belongs to the reading thread, and the sources read ahead
    /// (files, generators) tell nobody outside how far a query has got.
    func checkpointCompleted(_ checkpoint: Int64) {}
}
