import Foundation
import Synchronization

/// Entries kept for users to look at (bounded, oldest trimmed) and counted: how records that
/// could not be read and rows that came too late are never lost silently.
public final class BoundedLog<Entry: Sendable>: Sendable {
    public typealias Entry = Entry
    private struct State {
        var entries: [Entry] = []
        var total = 0
        var trimmed = 0
    }

    private let state = Mutex(State())
    public let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    public func record(_ entry: Entry) {
        state.withLock { state in
            state.total += 1
            state.entries.append(entry)
            // Trimmed in chunks, so a flood of entries costs amortised constant time each.
            let excess = state.entries.count - capacity
            if excess > 0, excess >= capacity || capacity < 1024 {
                state.entries.removeFirst(excess)
                state.trimmed += excess
            }
        }
    }

    /// The newest `count` entries still kept (fewer when some were trimmed), oldest first.
    public func newest(_ count: Int) -> [Entry] {
        state.withLock { state in Array(state.entries.suffix(min(count, capacity))) }
    }

    /// Takes every entry kept so far and starts over (count included): how a source read ahead
    /// on another thread hands its records over with the batch they were found in.
    public func takeAll() -> [Entry] {
        state.withLock { state in
            let entries = Array(state.entries.suffix(capacity))
            state = State()
            return entries
        }
    }

    /// Every entry recorded, including trimmed ones.
    public var count: Int { state.withLock { $0.total } }
    public var trimmedCount: Int { state.withLock { $0.trimmed + max(0, $0.entries.count - capacity) } }
    public var entries: [Entry] { state.withLock { Array($0.entries.suffix(capacity)) } }
}

/// Records that could not be read, with where they came from and why.
public typealias BadRecordLog = BoundedLog<SkippedRecord>

/// A record a source skipped because it could not be parsed or converted.
public struct SkippedRecord: Sendable, Hashable {
    /// The source relation.
    public var source: String
    /// Where in the source: `file:line`, a partition offset, a generator position.
    public var position: String
    public var rawText: String
    public var reason: String
    /// When the record was skipped, in milliseconds since the epoch.
    public var time: Int64

    public init(source: String, position: String, rawText: String, reason: String, time: Int64? = nil) {
        self.source = source
        self.position = position
        self.rawText = rawText
        self.reason = reason
        self.time = time ?? WallClock.now()
    }
}
