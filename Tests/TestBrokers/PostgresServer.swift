import Foundation

/// A throwaway Postgres server for tests: `initdb` into a temporary folder and `pg_ctl` on a
/// free port, listening on 127.0.0.1 only. Postgres refuses to run as root, so as root the
/// server runs as the `postgres` user (created by Debian's package) through `runuser`.
public final class PostgresServer: @unchecked Sendable {
    public let port: Int
    public let folder: URL
    private let binaries: URL
    private let asRoot: Bool
    /// Extra server settings (`wal_level=logical`), given as `-c` options at every start.
    private let settings: [String]

    public var url: String { "postgresql://rivulet@127.0.0.1:\(port)/postgres" }

    /// Where Debian installs the server, newest version first; nil when it is not installed.
    public static var binaries: URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = root.appendingPathComponent(version).appendingPathComponent("bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
        }
        return nil
    }

    public static var isAvailable: Bool { binaries != nil }

    public init(settings: [String] = []) throws {
        self.settings = settings
        guard let binaries = Self.binaries else { throw Failure(message: "Postgres is not installed") }
        self.binaries = binaries
        asRoot = getuid() == 0
        port = try Self.freePort()
        folder = URL(fileURLWithPath: "/tmp/rivulet-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if asRoot { try Self.run("/bin/chown", ["postgres", folder.path]) }
        try tool("initdb", ["-D", folder.appendingPathComponent("data").path, "-A", "trust", "-U", "rivulet", "-E", "UTF8", "--no-sync"])
        try start()
    }

    deinit {
        try? stop(mode: "immediate")
        try? FileManager.default.removeItem(at: folder)
    }

    public func start() throws {
        try tool("pg_ctl", [
            "-D", folder.appendingPathComponent("data").path, "-l", folder.appendingPathComponent("log").path, "-w",
            "-o", (["-p \(port) -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"] + settings.map { "-c \($0)" }).joined(separator: " "), "start",
        ])
    }

    /// Stops the server: `fast` disconnects clients and shuts down cleanly, `immediate` is a crash.
    public func stop(mode: String = "fast") throws {
        try tool("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", mode, "-w", "stop"])
    }

    /// Rows of a query as `|`-separated text, through psql.
    public func rows(_ sql: String) throws -> [String] {
        let output = try Self.run("/usr/bin/psql", ["-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", "\(port)", "-U", "rivulet", "-d", "postgres", "-c", sql])
        return output.split(separator: "\n").map(String.init)
    }

    private func tool(_ name: String, _ arguments: [String]) throws {
        let path = binaries.appendingPathComponent(name).path
        if asRoot {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
        } else {
            try Self.run(path, arguments)
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        public init(message: String) { self.message = message }
    }

    /// Runs a command to its end (posix_spawn and waitpid: the server it starts lives on, and must
    /// not keep anything waiting) and returns its output.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let output = "/tmp/rivulet-pg-output-\(UUID().uuidString)"
        defer { unlink(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The server's user may not be allowed into the test's working directory.
        let command = ["/bin/sh", "-c", "cd /tmp && exec \"$0\" \"$@\"", executable] + arguments
        let argv = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(message: "cannot run \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        // Exited normally with status 0.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw Failure(message: "\(executable) \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "no socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure(message: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
