import Foundation

/// Runs a Python client script (psycopg 3, which `.ci/run` installs) with arguments, standard
/// output and error going to one file that is returned with the exit status.
enum PythonClient {
    static func run(_ script: String, arguments: [String], in directory: URL) async throws -> (status: Int32, output: String) {
        let name = "client-\(UUID().uuidString.prefix(8))"
        let scriptURL = directory.appendingPathComponent("\(name).py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let result = try await ClientProcess.run(
            [ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", scriptURL.path] + arguments, in: directory, name: name,
            timeout: .seconds(60), mergingErrors: true)
        return (result.status, result.stdout)
    }
}
