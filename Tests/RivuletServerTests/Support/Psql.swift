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
    /// when psql is not installed.
    static func run(
        port: Int, user: String = "u", password: String? = nil, sslMode: String = "prefer", _ arguments: [String],
        whenStarted: (@Sendable (Process) -> Void)? = nil
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
        let watchdog = Task {
            try await Task.sleep(for: .seconds(40))
            process.terminate()
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try withSignalsUnblocked { try process.run() }
                whenStarted?(process)
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
