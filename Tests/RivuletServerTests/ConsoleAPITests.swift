import Foundation
import Testing

/// The JSON API of the HTTP port, on a real `rivulet serve`: every path is exercised and each
/// answer checked against docs/api/openapi.yaml by Scripts/api_check.py (requests, jsonschema
/// and PyYAML from PyPI), along with what the answers say.
@Suite(.timeLimit(.minutes(3)))
struct ConsoleAPITests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts")
    static let openAPIDocument = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/api/openapi.yaml")

    @Test func answersMatchTheOpenAPIDocumentAndSayWhatTheServerDoes() async throws {
        try await ServeProcess.withArguments(["--log-level", "debug", "--log-format", "json"]) { server, directory in
            let result = try await ClientProcess.run(
                [
                    ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", Self.scripts.appendingPathComponent("api_check.py").path,
                    "http://127.0.0.1:\(server.httpPort)", Self.openAPIDocument.path,
                ],
                in: directory, name: "api-check", timeout: .seconds(120), mergingErrors: true)
            #expect(result.status == 0, "\(result.stdout)")
            #expect(result.stdout.hasSuffix("ok\n"), "\(result.stdout)")
            // The script closed its push stream: the server noticed and stopped the query.
            #expect(try await ServeTests.eventually {
                server.stderr.split(separator: "\n").contains { $0.contains("\"message\":\"push query ended\"") && $0.contains("the client went away") }
            }, "\(server.stderr)")
        }
    }

    @Test func theConsolePageAndItsScriptAreServedFromTheBinary() async throws {
        try await ServeProcess.with { server, _ in
            let page = try await offPool { try RawSocket.httpGet(port: server.httpPort, path: "/") }
            #expect(page.status == 200)
            #expect(page.body.contains("<script src=\"/console.js\"></script>"), "\(page.body)")
            let script = try await offPool { try RawSocket.httpGet(port: server.httpPort, path: "/console.js") }
            #expect(script.status == 200)
            #expect(script.body.contains("/api/v1/push"))
        }
    }
}
