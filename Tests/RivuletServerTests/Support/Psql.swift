import Foundation
import Testing

/// Runs the real `psql` client.
struct Psql {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let path = ProcessInfo.processInfo.environment["PSQL"] ?? "/usr/bin/psql"

    /// `psql -X -A -t -h 127.0.0.1 -p PORT -U user -d rivulet <arguments>` with `PGSSLMODE=sslMode`; fails (never skips)
    /// when psql is not installed. `whenStarted` gets the running process and the file its
    /// standard output goes to.
    static func run(
        port: Int, user: String = "u", password: String? = nil, sslMode: String = "prefer", _ arguments: [String],
        whenStarted: (@Sendable (Process, URL) -> Void)? = nil
    ) async throws -> Result {
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "psql not found at \(path): install Debian's postgresql-client (or set PSQL)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", "rivulet"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PGCONNECT_TIMEOUT"] = "10"
        environment["PGSSLMODE"] = sslMode
        environment["PGPASSWORD"] = password
        environment["PGOPTIONS"] = nil
        environment["PSQLRC"] = "/dev/null"
        process.environment = environment
        // Output goes to files: nothing blocks a thread of the test runner while psql runs.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-psql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        // A deadline, not a wait: a psql stuck on a server that never answers fails the test.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(40))
            process.terminate()
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try withSignalsUnblocked { try process.run() }
                whenStarted?(process, outURL)
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        watchdog.cancel()
        return Result(
            status: status, stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// Waits until process `pid` holds an established TCP connection to `port` on this machine
    /// (read from /proc), so a signal sent afterwards reaches a psql that is past its startup.
    static func waitUntilConnected(pid: Int32, port: Int, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if connectedSocketInodes(port: port).contains(where: socketInodes(of: pid).contains) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("psql (pid \(pid)) did not connect to port \(port) within \(timeout)")
    }

    /// Presses Ctrl-C in `process`, a psql started with `-e`, once it has echoed `query` to
    /// `stdout` (it echoes a query just before sending it), and again every half second until
    /// it exits. A press that comes before psql registered the query for cancelling only marks
    /// the query cancelled; a later one sends the server a CancelRequest.
    static func interrupt(_ process: Process, once stdout: URL, echoes query: String, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            let echoed = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
            if echoed.contains(query) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        while process.isRunning && ContinuousClock.now < deadline {
            kill(process.processIdentifier, SIGINT)
            let pressed = ContinuousClock.now
            while process.isRunning && ContinuousClock.now - pressed < .milliseconds(500) {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        if process.isRunning { Issue.record("psql (pid \(process.processIdentifier)) did not end within \(timeout) of Ctrl-C") }
    }

    /// Inodes of the sockets process `pid` has open.
    private static func socketInodes(of pid: Int32) -> Set<String> {
        let directory = "/proc/\(pid)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var inodes: Set<String> = []
        for name in names {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(name)"),
                target.hasPrefix("socket:[")
            else { continue }
            inodes.insert(String(target.dropFirst("socket:[".count).dropLast()))
        }
        return inodes
    }

    /// Inodes of the established IPv4 and IPv6 TCP connections whose remote end is `port`.
    private static func connectedSocketInodes(port: Int) -> Set<String> {
        let remotePort = String(format: "%04X", port)
        var inodes: Set<String> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to the end: procfs files report no size, and whole-file reads stop after one page.
            guard let file = FileHandle(forReadingAtPath: table) else { continue }
            let text = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
            try? file.close()
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // sl, local address, remote address, state (01 = established), ..., inode (field 9)
                guard fields.count > 9, fields[2].hasSuffix(":\(remotePort)"), fields[3] == "01" else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        return inodes
    }

    /// The test runner's threads block SIGINT and children inherit the mask; psql must receive it
    /// to send a CancelRequest.
    private static func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }
}
