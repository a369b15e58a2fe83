import Foundation
import RivuletConnectors
import RivuletCore
import Synchronization

/// The catalog the servers of a cluster share: the one-partition topic `_rivulet-NAME-catalog`
/// holds every accepted definition and persistent query as a catalog log entry, in one order.
///
/// Ordering rule: a server never applies a shared statement when a client gives it; it appends
/// the statement to the topic and applies it when it reads it back, as every other server does,
/// so all servers apply the same statements in the same order. Applying is deterministic (the
/// same catalog gives the same outcome), so a statement that fails, fails everywhere.
final class ClusterCatalog: Sendable {
    let configuration: ClusterConfiguration
    private let topic: KafkaLogTopic
    private let stopped = Atomic<Bool>(false)

    init(configuration: ClusterConfiguration) throws(SQLError) {
        self.configuration = configuration
        topic = try KafkaLogTopic(bootstrapServers: configuration.bootstrapServers, topic: configuration.catalogTopic)
    }

    /// Appends `entry`; returns its offset once the brokers hold it.
    func append(_ entry: CatalogLog.Entry) async throws(SQLError) -> Int64 {
        let record: [UInt8]
        do {
            record = Array(try CatalogLog.line(entry))
        } catch {
            throw SQLError.internal("a catalog entry could not be encoded: \(error)")
        }
        let topic = topic
        // librdkafka blocks: off the cooperative pool.
        let result: Result<Int64, SQLError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result(catching: { () throws(SQLError) in try topic.append(record) }))
            }
        }
        return try result.get()
    }

    /// Reads the topic from its start on a thread of its own, awaiting `apply` for each record
    /// in order (nil: a record that is not a catalog entry). Returns once the records the topic
    /// held when called are applied; later ones keep coming until `stop()`.
    func follow(apply: @escaping @Sendable (_ offset: Int64, _ entry: CatalogLog.Entry?) async -> Void) async throws(SQLError) {
        let end = try topic.endOffset()
        try topic.seek(to: 0)
        let topic = topic
        await withCheckedContinuation { (caughtUp: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                var waiting: CheckedContinuation<Void, Never>? = caughtUp
                if end == 0 { waiting.take()?.resume() }
                let decoder = JSONDecoder()
                while !self.stopped.load(ordering: .relaxed) {
                    for (offset, record) in topic.read(waitingMillis: 200) {
                        let entry = try? decoder.decode(CatalogLog.Entry.self, from: Data(record))
                        let applied = DispatchSemaphore(value: 0)
                        Task {
                            await apply(offset, entry)
                            applied.signal()
                        }
                        applied.wait()
                        if offset + 1 >= end { waiting.take()?.resume() }
                    }
                }
                waiting.take()?.resume()
            }
            thread.name = "rivulet-cluster-catalog"
            thread.start()
        }
    }

    /// Stops following within a read's wait.
    func stop() {
        stopped.store(true, ordering: .relaxed)
    }
}
