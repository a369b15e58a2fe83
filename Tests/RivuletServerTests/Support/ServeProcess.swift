import Foundation
import Testing

/// The built `rivulet serve` binary, started on free ports with its own data directory.
final class ServeProcess: @unchecked Sendable {
    let dataDirectory: URL
    let process = Process()
    private(set) var pgPort = 0
    private(set) var httpPort = 0
    private let stdoutURL: URL
    private let stderrURL: URL

    /// The binary next to the test bundle (the test target depends on it, so `swift test` builds it).
    static var executable: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("rivulet")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/rivulet")
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `body` against a server on a fresh data directory, then stops the server and
    /// removes the directory.
    static func with<T>(_ body: (ServeProcess, URL) async throws -> T) async throws -> T {
        try await withArguments([], body)
    }

    /// `with`, the server started with `arguments`.
    static func withArguments<T>(_ arguments: [String], _ body: (ServeProcess, URL) async throws -> T) async throws -> T {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await start(dataDirectory: directory, arguments: arguments)
        do {
            let result = try await body(server, directory)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Runs `rivulet user add` to write `name`'s line into the users file `file`, the password
    /// piped to its standard input. Returns the command's standard error and status.
    @discardableResult
    static func addUser(_ name: String, password: String, role: String = "admin", file: URL) async throws -> (status: Int32, stderr: String) {
        try await offPool { try runUserAdd(name, password: password, role: role, file: file) }
    }

    private static func runUserAdd(_ name: String, password: String, role: String, file: URL) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["user", "add", name, "--role", role, "--file", file.path]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data((password + "\n").utf8))
        try input.fileHandleForWriting.close()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    /// Starts the server and waits until both ports are listening; `environment` adds to the test's.
    static func start(dataDirectory: URL, arguments: [String] = [], environment: [String: String] = [:]) async throws -> ServeProcess {
        let server = try ServeProcess(dataDirectory: dataDirectory, arguments: arguments, environment: environment)
        try await server.waitUntilListening()
        return server
    }

    private init(dataDirectory: URL, arguments: [String], environment: [String: String]) throws {
        self.dataDirectory = dataDirectory
        let logs = dataDirectory.appendingPathComponent("logs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        stdoutURL = logs.appendingPathComponent("stdout")
        stderrURL = logs.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = Self.executable
        process.arguments = ["serve", "--data-dir", dataDirectory.path, "--pg-port", "0", "--http-port", "0"] + arguments
        process.currentDirectoryURL = dataDirectory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    private func waitUntilListening() async throws {
        let deadline = Date().addingTimeInterval(60)
        while pgPort == 0 || httpPort == 0 {
            for line in stdout.split(separator: "\n") {
                if line.hasPrefix("pgwire listening on "), let port = line.split(separator: ":").last.flatMap({ Int($0) }) { pgPort = port }
                if line.hasPrefix("http listening on "), let port = line.split(separator: ":").last.flatMap({ Int($0) }) { httpPort = port }
            }
            // Ports printed count even when this task was not scheduled again until past the
            // deadline (other tests may hold the few threads of the test runner for a while).
            if pgPort != 0 && httpPort != 0 { break }
            if !process.isRunning || Date() > deadline {
                let state = process.isRunning ? "still running after 60 s" : "exited with status \(process.terminationStatus)"
                if process.isRunning { process.terminate() }
                throw StartFailure(description: "rivulet serve did not start (\(state)); stdout: \(stdout) stderr: \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM and waits for the process to exit; returns its status.
    @discardableResult
    func stop() async -> Int32 {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    /// Kills the process at once (a test that failed half-way).
    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    deinit { kill() }

    func psql(_ arguments: [String], user: String = "u", password: String? = nil, sslMode: String = "prefer") async throws -> Psql.Result {
        try await Psql.run(port: pgPort, user: user, password: password, sslMode: sslMode, arguments)
    }

    /// Starts psql on `arguments` and returns once it holds a connection to the server, so what
    /// the test does next happens while that client is connected.
    func startPsql(_ arguments: [String]) async throws -> Task<Psql.Result, any Error> {
        let port = pgPort
        let (started, sink) = AsyncStream.makeStream(of: Int32.self)
        let task = Task {
            defer { sink.finish() }
            return try await Psql.run(port: port, arguments, whenStarted: { process, _ in sink.yield(process.processIdentifier) })
        }
        for await pid in started {
            try await Psql.waitUntilConnected(pid: pid, port: port)
            break
        }
        return task
    }

    /// Runs `sql` with psql (unaligned, tuples only); fails the test when psql does.
    func sql(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await psql(["-v", "ON_ERROR_STOP=1", "-c", sql])
        #expect(result.status == 0, "psql failed: \(result.stderr)\nserver: \(stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Polls `body` until it returns true or `seconds` pass.
    static func eventually(_ seconds: Double = 15, _ body: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await body() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await body()
    }
}
