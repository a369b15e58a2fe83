import Foundation
import Testing

/// Rows inserted into embedded streams live in each stream's own file under
/// `<data-dir>/streams/`, not in the catalog log: the log holds only definitions, a restart
/// reads the rows back, a torn last append is dropped, and a log written by an earlier version
/// (with its INSERT statements) is moved over once.
@Suite(.timeLimit(.minutes(2)))
struct EmbeddedRowsRestartTests {
    static func catalogLines(_ directory: URL) throws -> [String] {
        try String(contentsOf: directory.appendingPathComponent("catalog.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    @Test func insertedRowsLiveInTheStreamFileAndComeBackAfterRestarts() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("streams/events.rows")
        do {
            let server = try await ServeProcess.start(dataDirectory: directory)
            _ = try await server.sql("CREATE STREAM events (id INT, name VARCHAR, at TIMESTAMP(3))")
            for batch in 0..<20 {
                _ = try await server.sql("INSERT INTO events VALUES (\(batch * 2), 'n\(batch)', TIMESTAMP '2024-01-01 00:00:0\(batch % 10)'), (\(batch * 2 + 1), NULL, NULL)")
            }
            #expect(await server.stop() == 0)
        }
        let lines = try Self.catalogLines(directory)
        #expect(lines.count == 1 && lines[0].contains("CREATE STREAM events"), "\(lines)")
        #expect(FileManager.default.fileExists(atPath: file.path))

        // A crash in the middle of an append leaves part of a record: it is dropped.
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([200, 0, 0, 0, 1, 2, 3]))
        try handle.close()

        for _ in 0..<2 {
            let server = try await ServeProcess.start(dataDirectory: directory)
            #expect(try await server.sql("SELECT COUNT(*), COUNT(name), MIN(id), MAX(id) FROM events") == "40|20|0|39\n")
            #expect(try await server.sql("SELECT id, name, at FROM events WHERE id IN (4, 5)") == "4|n2|2024-01-01 00:00:02.000\n5||\n")
            #expect(await server.stop() == 0)
        }
        do {
            let server = try await ServeProcess.start(dataDirectory: directory)
            _ = try await server.sql("DROP STREAM events")
            #expect(await server.stop() == 0)
        }
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test func aCatalogLogWithInsertedRowsIsMovedOverOnce() async throws {
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // As an earlier version wrote it.
        let legacy = """
            {"kind":"definition","relation":"s","sql":"CREATE STREAM s (name VARCHAR)"}
            {"kind":"rows","relation":"s","sql":"INSERT INTO s VALUES ('a'), ('b')"}
            {"kind":"rows","relation":"s","sql":"INSERT INTO s VALUES ('c')"}

            """
        try legacy.write(to: directory.appendingPathComponent("catalog.jsonl"), atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            let server = try await ServeProcess.start(dataDirectory: directory)
            #expect(try await server.sql("SELECT name FROM s") == "a\nb\nc\n")
            #expect(await server.stop() == 0)
            #expect(try Self.catalogLines(directory) == [#"{"kind":"definition","relation":"s","sql":"CREATE STREAM s (name VARCHAR)"}"#])
        }
    }
}
