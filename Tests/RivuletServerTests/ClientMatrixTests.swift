import Foundation
import Testing

/// One story, told by every Postgres client and tool Rivulet means to serve unmodified: connect,
/// create a stream, insert with bound parameters, create a table as a GROUP BY, a pull query
/// with a bound parameter, a push query with LIMIT, a SQL error with its SQLSTATE, close.
/// Each client runs as its own process (`Scripts/clients/`) against its own `rivulet serve`
/// and prints what it saw; `.ci/run` installs every one of them.
@Suite(.timeLimit(.minutes(2)))
struct ClientMatrixTests {
    struct Client: CustomTestStringConvertible, Sendable {
        var name: String
        /// The command; the script's path, the port and the prefix `story` follow.
        var command: [String]
        var script: String
        var environment: [String: String] = [:]
        /// What the client prints.
        var expected = ClientMatrixTests.story()
        var testDescription: String { name }
    }

    /// The story's lines, with what a client shows besides after the inserts, the pull query
    /// and the push query.
    static func story(afterInsert: String = "", afterPull: String = "", afterPush: String = "") -> String {
        "connected 1\ninserted 4\n" + afterInsert + "pull 3\n" + afterPull + "push [(1, 'home'), (2, 'cart')]\n" + afterPush
            + "error 42P01\nclosed\n"
    }

    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/clients")
    static let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
    /// Debian's node modules (`node-pg`), after any the environment names.
    static let nodePath = (ProcessInfo.processInfo.environment["NODE_PATH"].map { [$0] } ?? []) + ["/usr/share/nodejs"]

    static let clients: [Client] = [
        Client(name: "psql", command: ["bash"], script: "story_psql.sh"),
        Client(name: "psycopg 3", command: [python], script: "story_psycopg.py"),
        Client(name: "psycopg2", command: [python], script: "story_psycopg2.py"),
        Client(name: "asyncpg", command: [python], script: "story_asyncpg.py"),
        Client(
            name: "pgJDBC", command: ["java", "-cp", "/usr/share/java/postgresql.jar"], script: "StoryJdbc.java",
            expected: story(afterInsert: "tables [story_clicks, story_counts]\ncolumns [page varchar, n int8]\n")),
        Client(
            name: "SQLAlchemy and pandas", command: [python], script: "story_sqlalchemy.py",
            expected: story(
                afterInsert: "tables ['story_clicks', 'story_counts']\nhas_table True False\n"
                    + "columns [('page', 'VARCHAR', False), ('n', 'BIGINT', True)]\nprimary key ['page'] []\nforeign keys [] []\n"
                    + "options {} {'text': None}\n"
                    // As Postgres reflects `CREATE TABLE story_counts (page varchar PRIMARY KEY, n bigint)`.
                    + "indexes [] ['page', 'n'] ['page'] []\n",
                afterPull: "pandas [('cart', 1), ('home', 3)]\n")),
        Client(
            name: "pgcli", command: [python], script: "story_pgcli.py",
            expected: story(
                afterPush: "completion [('public', 'story_clicks'), ('public', 'story_counts')] "
                    + "[('public', 'story_counts', 'page', 'character varying'), ('public', 'story_counts', 'n', 'bigint')]\n"
                    + "functions [('count', 'text', True), ('upper', 'text', False)]\n")),
        Client(
            name: "node-postgres", command: ["node"], script: "story_node_pg.js",
            environment: ["NODE_PATH": nodePath.joined(separator: ":")]),
    ]

    @Test(arguments: clients)
    func theStory(_ client: Client) async throws {
        try await ServeProcess.with { server, directory in
            let result = try await Self.run(client, port: server.pgPort, in: directory)
            #expect(
                result.status == 0 && result.stdout == client.expected,
                "\(client.name) exited \(result.status)\nstdout:\n\(result.stdout)\nstderr:\n\(result.stderr)\nserver:\n\(server.stderr)")
        }
    }

    /// Runs the client's script with the server's port and the prefix `story`, standard output
    /// and error kept apart; a client still running after 90 s is killed (and fails).
    static func run(_ client: Client, port: Int, in directory: URL) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        try await ClientProcess.run(
            client.command + [scripts.appendingPathComponent(client.script).path, String(port), "story"], environment: client.environment,
            in: directory, name: client.script, timeout: .seconds(90))
    }
}
