import Foundation

/// `rivulet shell` started by a test: arguments, standard input from a pipe the test writes,
/// standard output and error into files the test reads while it runs.
final class ShellProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let folder: URL

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-shell-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["stdout", "stderr"] {
            FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: nil)
        }
        process.executableURL = ServeProcess.executable
        process.arguments = ["shell"] + arguments
        var merged = ProcessInfo.processInfo.environment
        merged["HOME"] = folder.path
        // Only what a test gives: no password or libpq settings from the environment running the tests.
        for key in merged.keys where key.hasPrefix("PG") { merged[key] = nil }
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: folder.appendingPathComponent("stdout"))
        process.standardError = try FileHandle(forWritingTo: folder.appendingPathComponent("stderr"))
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs the shell to completion with `input` on its standard input.
    static func run(_ arguments: [String], input: String = "", environment: [String: String] = [:]) async throws -> Result {
        let shell = try ShellProcess(arguments, environment: environment)
        shell.write(input)
        shell.closeInput()
        return await shell.wait()
    }

    func write(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    var stdout: String { (try? String(contentsOf: folder.appendingPathComponent("stdout"), encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: folder.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }

    /// Waits for the shell to exit (killing it after 60 s).
    func wait() async -> Result {
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning {
            if Date() > deadline { kill(process.processIdentifier, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// A TCP port nothing listens on right now.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { _ = Glibc.close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
