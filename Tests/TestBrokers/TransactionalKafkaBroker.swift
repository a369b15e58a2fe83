#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRdKafka
import Foundation
public import RivuletCore

/// A Kafka broker that implements transactions and record deletion as real Kafka does (`read_committed` hides aborted
/// and open transactions, a new producer with the same `transactional.id` fences the old one),
/// which librdkafka's mock cluster does not: `noida-db start --only kafka` (PyPI `noida-db`),
/// run in the foreground on a free port with its data in a temporary directory, killed when
/// released.
/// Sendable: every property is set once, in `init`.
public final class TransactionalKafkaBroker: @unchecked Sendable {
    public let bootstrapServers: String
    private let process = Process()
    private let folder: URL
    private let log: URL

    public init() throws {
        let binary = try Self.binary()
        let port = try Self.freePort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-noida-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        log = folder.appendingPathComponent("log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        bootstrapServers = "127.0.0.1:\(port)"
        process.executableURL = binary
        process.arguments = ["start", "--only", "kafka", "--data-dir", folder.appendingPathComponent("data").path, "--kafka-port", "\(port)"]
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try waitUntilListening(port: port)
    }

    deinit {
        // Its data is thrown away, so no clean shutdown is needed (and it ignores SIGTERM for seconds).
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// What the broker printed, for failure messages.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Creates topics through the admin API, with the given partition counts.
    public func createTopics(_ topics: [String: Int]) throws {
        let admin = try AdminClient(bootstrapServers)
        // Destroyed after the queue and requests below, whose defers run first.
        defer { withExtendedLifetime(admin) {} }
        var message = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = topics.map { rd_kafka_NewTopic_new($0.key, Int32($0.value), 1, &message, message.count) }
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        let queue = rd_kafka_queue_new(admin.handle)
        defer { rd_kafka_queue_destroy(queue) }
        rd_kafka_CreateTopics(admin.handle, &newTopics, newTopics.count, nil, queue)
        guard let event = rd_kafka_queue_poll(queue, 15_000) else { throw SQLError(.internalError, "creating topics timed out\n\(output)") }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw SQLError(.internalError, "creating topics: \(String(cString: rd_kafka_event_error_string(event)))")
        }
        var count = 0
        let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
        for i in 0..<count where rd_kafka_topic_result_error(results![i]) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw SQLError(.internalError, "creating topic \(String(cString: rd_kafka_topic_result_name(results![i]))): "
                + String(cString: rd_kafka_topic_result_error_string(results![i])))
        }
    }

    /// Deletes a partition's records before `offset`, as retention does (`DeleteRecords`).
    public func deleteRecords(topic: String, partition: Int32, before offset: Int64) throws {
        let admin = try AdminClient(bootstrapServers)
        // Destroyed after the queue and requests below, whose defers run first.
        defer { withExtendedLifetime(admin) {} }
        let offsets = rd_kafka_topic_partition_list_new(1)
        defer { rd_kafka_topic_partition_list_destroy(offsets) }
        rd_kafka_topic_partition_list_add(offsets, topic, partition).pointee.offset = offset
        var request: OpaquePointer? = rd_kafka_DeleteRecords_new(offsets)
        defer { rd_kafka_DeleteRecords_destroy(request) }
        let queue = rd_kafka_queue_new(admin.handle)
        defer { rd_kafka_queue_destroy(queue) }
        rd_kafka_DeleteRecords(admin.handle, &request, 1, nil, queue)
        guard let event = rd_kafka_queue_poll(queue, 15_000) else { throw SQLError(.internalError, "deleting records timed out\n\(output)") }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw SQLError(.internalError, "deleting records: \(String(cString: rd_kafka_event_error_string(event)))")
        }
        let deleted = rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event))!.pointee
        for i in 0..<Int(deleted.cnt) where deleted.elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw SQLError(.internalError, "deleting records of \(topic) [\(partition)]: \(String(cString: rd_kafka_err2str(deleted.elems[i].err)))")
        }
    }

    /// The broker binary: the one the `noida_db` Python package ships (the `noida-db` command on
    /// PATH is a Python wrapper that runs it as a child, which a stop signal would not reach),
    /// else a `noida-db` on PATH.
    private static func binary() throws -> URL {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import noida_db, os; print(os.path.dirname(noida_db.__file__))"]
        let pipe = Pipe()
        python.standardOutput = pipe
        python.standardError = FileHandle.nullDevice
        if (try? python.run()) != nil {
            let folder = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            python.waitUntilExit()
            let candidate = URL(fileURLWithPath: folder).appendingPathComponent("noida-db")
            if python.terminationStatus == 0, FileManager.default.fileExists(atPath: candidate.path) {
                // pip may install it without the executable bit, which the wrapper sets on first use.
                chmod(candidate.path, 0o755)
                return candidate
            }
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("noida-db")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw SQLError(.internalError, "the exactly-once Kafka tests need a broker with transactions: `python3 -m pip install noida-db` "
            + "(neither the noida_db Python package nor a noida-db command on PATH was found)")
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SQLError(.internalError, "no socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw SQLError(.internalError, "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until the port accepts connections, or fails with what the broker printed.
    private func waitUntilListening(port: Int) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            guard process.isRunning else { throw SQLError(.internalError, "noida-db exited at start:\n\(output)") }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(fd)
            if connected { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw SQLError(.internalError, "noida-db did not listen on port \(port) within 20 s:\n\(output)")
    }
}

/// A librdkafka client for admin requests, destroyed with this object.
private final class AdminClient {
    let handle: OpaquePointer

    init(_ bootstrapServers: String) throws {
        let conf = rd_kafka_conf_new()
        var message = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_conf_set(conf, "bootstrap.servers", bootstrapServers, &message, message.count)
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &message, message.count) else {
            throw SQLError(.internalError, String(cString: message))
        }
        self.handle = handle
    }

    deinit { rd_kafka_destroy(handle) }
}
