import Synchronization

/// Records that could not be read: kept (bounded, oldest trimmed) with where they came from and
/// why, and counted, so bad input is never lost silently.
public final class BadRecordLog: Sendable {
    public struct Entry: Sendable, Hashable {
        /// The source relation.
        public var source: String
        /// Where in the source: `file:line`, a partition offset, a generator position.
        public var position: String
        public var rawText: String
        public var reason: String

        public init(source: String, position: String, rawText: String, reason: String) {
            self.source = source
            self.position = position
            self.rawText = rawText
            self.reason = reason
        }
    }

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
            if state.entries.count > capacity {
                state.entries.removeFirst(state.entries.count - capacity)
                state.trimmed += 1
            }
        }
    }

    /// Every bad record seen, including trimmed ones.
    public var count: Int { state.withLock { $0.total } }
    public var trimmedCount: Int { state.withLock { $0.trimmed } }
    public var entries: [Entry] { state.withLock { $0.entries } }
}
