import Foundation
import Testing

/// `rivulet run`: the records a query skipped are rows of `rivulet_errors`, which a later
/// statement of the script reads; the file keeps at most `SET 'errors.max-entries'` of them.
@Suite struct ErrorLogRunTests {
    @Test func aScriptReadsTheRecordsItsQuerySkipped() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let readings = (1...10).map { i in i % 2 == 0 ? "\(i),oops\(i)" : "\(i),\(i * 10)" }.joined(separator: "\n") + "\n"
            try readings.write(to: folder.appendingPathComponent("readings.csv"), atomically: true, encoding: .utf8)
            let script = folder.appendingPathComponent("errors.sql")
            try """
                SET 'errors.max-entries' = '3';
                CREATE TABLE readings (id INT, v INT) WITH ('connector' = 'filesystem', 'path' = 'readings.csv', 'format' = 'csv');
                CREATE TABLE kept (id INT, v INT, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = 'kept.db');
                INSERT INTO kept SELECT id, v FROM readings;
                SELECT source, raw_text FROM rivulet_errors WHERE query_id IS NOT NULL AND reason LIKE '%oops%';
                """.write(to: script, atomically: true, encoding: .utf8)
            let run = try RivuletProcess.run(["run", script.path, "--data-dir", folder.appendingPathComponent("data").path])
            #expect(run.status == 0, "\(run.stderr)")
            // The newest three of the five skipped records, each once.
            for raw in ["6,oops6", "8,oops8", "10,oops10"] {
                #expect(run.stdout.components(separatedBy: raw).count == 2, "\(raw) in \(run.stdout)")
            }
            #expect(!run.stdout.contains("2,oops2") && !run.stdout.contains("4,oops4"), "\(run.stdout)")
            #expect(run.stderr.contains("2 older lines trimmed"), "\(run.stderr)")
            let file = try String(contentsOf: folder.appendingPathComponent("data/bad-records.jsonl"), encoding: .utf8)
            #expect(file.split(separator: "\n").count == 3)
        }
    }
}
