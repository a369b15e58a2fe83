import Foundation
import Testing

/// Runs the real `psql` client against a test server.
struct Psql {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let path = ProcessInfo.processInfo.environment["PSQL"] ?? "/usr/bin/psql"

    /// Fails the test (never skips it) when psql is not installed.
    static func requireInstalled() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "psql not found at \(path): install Debian's postgresql-client (or set PSQL) to run the wire-protocol tests")
    }

    /// `psql -X -A -t -h 127.0.0.1 -p PORT -U user -d database <arguments>`.
    static func run(
        port: Int, user: String = "u", database: String = "rivulet", password: String? = nil,
        _ arguments: [String], whenStarted: (@Sendable (Process) -> Void)? = nil
    ) async throws -> Result {
        try requireInstalled()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PGCONNECT_TIMEOUT"] = "60"
        environment["PGSSLMODE"] = "prefer"
        environment["PGPASSWORD"] = password
        environment["PGOPTIONS"] = nil
        environment["PSQLRC"] = "/dev/null"
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        // A hung server must fail the test, not hang it.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(30))
            process.terminate()
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try Self.withSignalsUnblocked { try process.run() }
                whenStarted?(process)
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        watchdog.cancel()
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return Result(status: status, stdout: out, stderr: err)
    }

    /// The child inherits the spawning thread's signal mask, and the test runner's threads block
    /// SIGINT; psql must receive it to send a CancelRequest.
    private static func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }
}
