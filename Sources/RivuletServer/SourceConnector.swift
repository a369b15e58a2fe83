import Foundation
import Logging
import RivuletConnectors
import RivuletCore
import Synchronization

/// One connector made by `CREATE SOURCE CONNECTOR`: its definition, and the task that runs it
/// until it is dropped or the server stops. A connector that fails stays listed, FAILED, with
/// its error; the server's next start runs it again.
final class SourceConnector: Sendable {
    struct Status: Sendable {
        var state = "RUNNING"
        var error: String?
        var topics: [String] = []
        var position: UInt64 = 0
        var events = 0
    }

    let name: String
    let sql: String
    let options: DebeziumPostgresOptions
    let folder: String
    private let status = Mutex(Status())
    private let stopRequested = Atomic<Bool>(false)
    /// Drop the slot once stopped.
    private let dropRequested = Atomic<Bool>(false)

    init(name: String, sql: String, options: DebeziumPostgresOptions, folder: String) {
        self.name = name
        self.sql = sql
        self.options = options
        self.folder = folder
    }

    var current: Status { status.withLock { $0 } }

    func requestStop(droppingSlot: Bool) {
        dropRequested.store(droppingSlot, ordering: .relaxed)
        stopRequested.store(true, ordering: .relaxed)
    }

    /// The task body: steps the connector, pausing while the slot has nothing new.
    func run(logger: Logger) async {
        var task: DebeziumPostgresTask?
        do {
            let running = try DebeziumPostgresTask(name: name, options: options, folder: folder)
            task = running
            while !stopRequested.load(ordering: .relaxed), !Task.isCancelled {
                let received = try running.step()
                status.withLock { status in
                    status.topics = running.topics
                    status.position = running.position
                    status.events = running.eventsWritten
                }
                if received { await Task.yield() } else { try? await Task.sleep(for: .milliseconds(20)) }
            }
            running.close()
        } catch {
            let message = (error as? SQLError)?.message ?? "\(error)"
            status.withLock {
                $0.state = "FAILED"
                $0.error = message
            }
            logger.error("connector failed", metadata: ["connector": "\(name)", "error": "\(message)"])
        }
        task?.close()
        if dropRequested.load(ordering: .relaxed) {
            task = nil
            do {
                try DebeziumPostgresTask(name: name, options: options, folder: folder).dropSlot()
            } catch {
                logger.error("connector's slot not dropped", metadata: ["connector": "\(name)", "error": "\(error)"])
            }
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}
