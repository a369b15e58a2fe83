import Foundation
import Testing

/// TLS on the pgwire port: with `--tls-cert`/`--tls-key` an SSLRequest is answered `S` and psql
/// and psycopg talk over TLS (sslmode=require); without them `sslmode=require` fails with
/// libpq's own message and `sslmode=prefer` goes on unencrypted.
@Suite(.timeLimit(.minutes(2)))
struct TLSTests {
    /// A fresh self-signed certificate and key in `directory`, made by the openssl tool.
    static func makeCertificate(in directory: URL) throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("server.crt").path
        let key = directory.appendingPathComponent("server.key").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl req failed (install Debian's openssl)")
        return (certificate, key)
    }

    static func withServer<T>(
        tls: Bool, arguments extra: [String] = [], _ body: (ServeProcess, URL) async throws -> T
    ) async throws -> T {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var arguments = extra
        if tls {
            let files = try makeCertificate(in: directory)
            arguments += ["--tls-cert", files.certificate, "--tls-key", files.key]
        }
        let server = try await ServeProcess.start(dataDirectory: directory, arguments: arguments)
        do {
            let result = try await body(server, directory)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// curl (certificate not checked): the status code, a space, then the body.
    static func curl(_ arguments: [String]) async throws -> String {
        let text = try await offPool { try toolOutput("/usr/bin/env", ["curl", "-sk", "--max-time", "20", "-w", "%{http_code} ", "-o", "-"] + arguments) }
        // -w writes after the body: move the code to the front.
        let code = text.suffix(4).trimmingCharacters(in: .whitespaces)
        return "\(code) \(text.dropLast(4))"
    }

    @Test func psqlRequiringTLSQueriesOverAnEncryptedConnection() async throws {
        try await Self.withServer(tls: true) { server, _ in
            let result = try await server.psql(
                [
                    "-v", "ON_ERROR_STOP=1", "-c", "CREATE STREAM s (id INT, name VARCHAR)",
                    "-c", "INSERT INTO s VALUES (1, 'over'), (2, 'tls')", "-c", "SELECT id, name FROM s",
                    "-c", "\\conninfo",
                ], sslMode: "require")
            #expect(result.status == 0, "\(result.stderr)\nserver: \(server.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains("1|over") && lines.contains("2|tls"), "\(result.stdout)")
            #expect(result.stdout.contains("SSL connection (protocol: TLSv1.3"), "\(result.stdout)")

            // The certificate makes TLS available, not required.
            let plain = try await server.psql(["-c", "SELECT id FROM s", "-c", "\\conninfo"], sslMode: "disable")
            #expect(plain.status == 0, "\(plain.stderr)")
            #expect(plain.stdout.hasPrefix("1\n2\n") && !plain.stdout.contains("SSL"), "\(plain.stdout)")
        }
    }

    /// With TLS, SCRAM-SHA-256-PLUS binds the password proof to the server's certificate.
    @Test func passwordsAreCheckedWithSCRAMInsideTLS() async throws {
        let users = try ServeProcess.temporaryDirectory().appendingPathComponent("users.txt")
        defer { try? FileManager.default.removeItem(at: users.deletingLastPathComponent()) }
        try await ServeProcess.addUser("ann", password: "s3cret", file: users)
        try await Self.withServer(tls: true, arguments: ["--users", users.path]) { server, _ in
            let good = try await server.psql(["-c", "SHOW STREAMS", "-c", "\\conninfo"], user: "ann", password: "s3cret", sslMode: "require")
            #expect(good.status == 0, "\(good.stderr)")
            #expect(good.stdout.contains("SSL connection (protocol: TLSv1.3"), "\(good.stdout)")
            // libpq checks the server's channel binding against the certificate it received.
            let bound = try await server.psql(
                ["-d", "dbname=rivulet channel_binding=require", "-c", "SHOW STREAMS"], user: "ann", password: "s3cret", sslMode: "require")
            #expect(bound.status == 0, "\(bound.stderr)")
            // The HTTP port serves the same certificate; /metrics wants a user, /healthz nobody.
            let https = "https://127.0.0.1:\(server.httpPort)"
            #expect(try await Self.curl(["\(https)/healthz"]) == "200 ok\n")
            #expect(try await Self.curl(["\(https)/metrics"]).hasPrefix("401 "))
            #expect(try await Self.curl(["-u", "ann:wrong", "\(https)/metrics"]).hasPrefix("401 "))
            #expect(try await Self.curl(["-u", "ann:s3cret", "\(https)/metrics"]).hasPrefix("200 "))
            let bad = try await server.psql(["-c", "SHOW STREAMS"], user: "ann", password: "wrong", sslMode: "require")
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("password authentication failed for user \"ann\""), "\(bad.stderr)")
        }
    }

    @Test func psycopgRequiringTLSRunsStatementsWithParameters() async throws {
        try await Self.withServer(tls: true) { server, directory in
            let script = """
                import psycopg, sys
                with psycopg.connect(host="127.0.0.1", port=int(sys.argv[1]), user="py", dbname="rivulet",
                                     sslmode="require", autocommit=True) as conn:
                    print("ssl", conn.pgconn.ssl_in_use)
                    conn.execute("CREATE STREAM s (id INT, name VARCHAR)")
                    conn.execute("INSERT INTO s VALUES (%s, %s), (%s, %s)", (1, "a", 2, "b"))
                    print("rows", conn.execute("SELECT id, name FROM s WHERE id > %s", (1,)).fetchall())
                """
            let (status, output) = try await PythonClient.run(script, arguments: [String(server.pgPort)], in: directory)
            #expect(status == 0, "\(output)\nserver: \(server.stderr)")
            #expect(output == "ssl True\nrows [(2, 'b')]\n", "\(output)")
        }
    }

    @Test func withoutACertificateRequireFailsAndPreferConnectsInClear() async throws {
        try await Self.withServer(tls: false) { server, _ in
            let required = try await server.psql(["-c", "SELECT 1"], sslMode: "require")
            #expect(required.status != 0)
            #expect(required.stderr.contains("server does not support SSL, but SSL was required"), "\(required.stderr)")

            let preferred = try await server.psql([
                "-v", "ON_ERROR_STOP=1", "-c", "CREATE STREAM s (id INT)", "-c", "INSERT INTO s VALUES (42)",
                "-c", "SELECT id FROM s", "-c", "\\conninfo",
            ])
            #expect(preferred.status == 0, "\(preferred.stderr)")
            #expect(preferred.stdout.split(separator: "\n").contains("42"), "\(preferred.stdout)")
            #expect(preferred.stdout.contains("You are connected") && !preferred.stdout.contains("SSL"), "\(preferred.stdout)")
        }
    }

    @Test func encryptionRequestsAreAnsweredOneByteEachAndPlainBytesAfterSSLRequestCloseTheConnection() async throws {
        try await Self.withServer(tls: true) { server, _ in
            let sslRequest: [UInt8] = [0, 0, 0, 8, 4, 210, 22, 47]
            let gssRequest: [UInt8] = [0, 0, 0, 8, 4, 210, 22, 48]
            // GSSAPI encryption is refused; the client may then ask for TLS on the same connection.
            let socket = try RawSocket(port: server.pgPort)
            socket.send(gssRequest)
            #expect(Self.receiveByte(socket) == UInt8(ascii: "N"))
            socket.send(sslRequest)
            #expect(Self.receiveByte(socket) == UInt8(ascii: "S"))
            socket.close()

            // A client that does not wait for the answer would mix plain and encrypted bytes.
            let hasty = try RawSocket(port: server.pgPort)
            hasty.send(sslRequest + RawSocket.startupMessage(user: "u"))
            #expect(hasty.receiveAll().isEmpty)
            hasty.close()

            // The server is still there for everyone else.
            #expect(try await server.psql(["-c", "SHOW STREAMS"], sslMode: "require").status == 0)
        }
    }

    static func receiveByte(_ socket: RawSocket) -> UInt8? {
        var byte: UInt8 = 0
        return read(socket.descriptor, &byte, 1) == 1 ? byte : nil
    }

    @Test func aServerWithAnUnreadableCertificateDoesNotStart() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.crt").path
        let key = directory.appendingPathComponent("missing.key").path
        await #expect {
            try await ServeProcess.start(dataDirectory: directory, arguments: ["--tls-cert", missing, "--tls-key", key])
        } throws: { error in
            "\(error)".contains("cannot load the TLS certificate \(missing)")
        }
    }
}
