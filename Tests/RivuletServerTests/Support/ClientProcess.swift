import Foundation

/// Runs a client program (`/usr/bin/env` + `arguments`) to its end, its standard output and error
/// in files of `directory` (one file when `mergingErrors`). A deadline, not a wait: a client stuck
/// on a server that never answers is killed after `timeout` and fails its test, not hangs it.
enum ClientProcess {
    static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL, name: String,
        timeout: Duration, mergingErrors: Bool = false
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let stdoutURL = directory.appendingPathComponent("\(name).out")
        let stderrURL = directory.appendingPathComponent("\(name).err")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        if !mergingErrors { FileManager.default.createFile(atPath: stderrURL.path, contents: nil) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        let out = try FileHandle(forWritingTo: stdoutURL)
        let err = mergingErrors ? out : try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            process.terminate()
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        watchdog.cancel()
        try out.close()
        if !mergingErrors { try err.close() }
        let stdout = try String(contentsOf: stdoutURL, encoding: .utf8)
        return (status, stdout, mergingErrors ? "" : try String(contentsOf: stderrURL, encoding: .utf8))
    }
}
