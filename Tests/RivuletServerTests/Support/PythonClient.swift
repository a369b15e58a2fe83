import Foundation

/// Runs a Python client script (psycopg 3, which `.ci/run` installs) with arguments, standard
/// output and error going to one file that is returned with the exit status.
enum PythonClient {
    static func run(_ script: String, arguments: [String], in directory: URL) async throws -> (status: Int32, output: String) {
        let name = "client-\(UUID().uuidString.prefix(8))"
        let scriptURL = directory.appendingPathComponent("\(name).py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("\(name).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", scriptURL.path] + arguments
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        // A deadline, not a wait: a client stuck on a server that never answers must fail the
        // test, not hang it.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
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
        try handle.close()
        return (status, try String(contentsOf: output, encoding: .utf8))
    }
}
