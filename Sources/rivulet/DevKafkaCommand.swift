import ArgumentParser
import Foundation
import RivuletConnectors

/// `rivulet dev kafka`: an in-memory Kafka cluster (librdkafka's mock brokers, which speak the
/// Kafka protocol) until Ctrl-C.
struct DevKafkaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Run a local in-memory Kafka cluster and print its bootstrap address.",
        discussion: """
            The cluster lives in this process and its data in memory: it is gone when you stop it with \
            Ctrl-C. Pass the printed address as 'properties.bootstrap.servers', e.g. with \
            rivulet run script.sql -D KAFKA=<address>.
            """)

    @Option(help: "Number of brokers.")
    var brokers = 1

    @Option(name: .customLong("topic"), help: "Create a topic: NAME or NAME:PARTITIONS (repeatable).")
    var topics: [String] = []

    func validate() throws {
        guard brokers >= 1 else { throw ValidationError("--brokers must be at least 1") }
        for topic in topics {
            let parts = topic.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, !parts[0].isEmpty, parts.count == 1 || (Int(parts[1]) ?? 0) >= 1 else {
                throw ValidationError("--topic takes NAME or NAME:PARTITIONS, not '\(topic)'")
            }
        }
    }

    func run() throws {
        // A parent may have blocked these; Ctrl-C and `kill` must stop the cluster.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &signals, nil)
        let cluster = try KafkaMockCluster(brokers: brokers)
        for topic in topics {
            let parts = topic.split(separator: ":")
            try cluster.createTopic(String(parts[0]), partitions: parts.count == 2 ? Int(parts[1])! : 1)
        }
        FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
        let created = topics.isEmpty ? "" : " with topic\(topics.count == 1 ? "" : "s") \(topics.joined(separator: ", "))"
        FileHandle.standardError.write(Data(
            "Kafka (in memory, \(brokers) broker\(brokers == 1 ? "" : "s"))\(created) at \(cluster.bootstrapServers); Ctrl-C stops it.\n".utf8))
        while true { sleep(3600) }
    }
}
