import NIOCore
import Synchronization

/// The server's open connections: hands out process ids, finds the connection a CancelRequest
/// names (process id and secret must both match), and closes everything at shutdown.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        var channel: any Channel
        var canceller: QueryCanceller
        var secret: Int32?
    }

    private struct Registry {
        var nextProcessID: Int32 = 1
        var entries: [Int32: Entry] = [:]
        var isShutDown = false
    }

    private let registry = Mutex(Registry())

    /// Registers a new connection; nil when the server is shutting down.
    func register(channel: any Channel, canceller: QueryCanceller) -> Int32? {
        registry.withLock { registry in
            guard !registry.isShutDown else { return nil }
            var processID = registry.nextProcessID
            while registry.entries[processID] != nil { processID = processID == .max ? 1 : processID + 1 }
            registry.nextProcessID = processID == .max ? 1 : processID + 1
            registry.entries[processID] = Entry(channel: channel, canceller: canceller)
            return processID
        }
    }

    /// Makes the connection cancellable by `key` (once its session exists).
    func activate(_ key: BackendKey) {
        registry.withLock { $0.entries[key.processID]?.secret = key.secret }
    }

    func remove(processID: Int32) {
        _ = registry.withLock { $0.entries.removeValue(forKey: processID) }
    }

    /// Cancels the running query of the connection holding `key`; an unknown key is ignored,
    /// as Postgres does, so that keys cannot be probed.
    func cancel(_ key: BackendKey) {
        let canceller = registry.withLock { registry -> QueryCanceller? in
            guard let entry = registry.entries[key.processID], entry.secret == key.secret else { return nil }
            return entry.canceller
        }
        canceller?.cancel()
    }

    /// Refuses new connections and closes the open ones.
    func shutDown() {
        let channels = registry.withLock { registry in
            registry.isShutDown = true
            return registry.entries.values.map(\.channel)
        }
        for channel in channels { channel.close(promise: nil) }
    }
}

/// Cancels one connection's running query: flags it, so the connection reports `57014`, and
/// asks the session to stop producing rows.
final class QueryCanceller: Sendable {
    private struct Target {
        var session: (any SQLSession)?
        var cancelled = false
    }

    private let target = Mutex(Target())

    func attach(_ session: any SQLSession) {
        target.withLock { $0.session = session }
    }

    /// Called when a statement starts: an earlier request does not cancel it.
    func reset() {
        target.withLock { $0.cancelled = false }
    }

    var isCancelled: Bool { target.withLock { $0.cancelled } }

    func cancel() {
        let session = target.withLock { target -> (any SQLSession)? in
            target.cancelled = true
            return target.session
        }
        session?.cancel()
    }
}
