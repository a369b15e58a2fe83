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

    /// 25,000 bad lines among 60,000, far more than the in-memory log holds between two writes:
    /// the file gets every one of them up to its bound, and counts the rest as trimmed.
    @Test(arguments: [30_000, nil] as [Int?])
    func aFloodOfBadRecordsReachesTheFileUpToItsBound(maxEntries: Int?) async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            var lines: [String] = []
            lines.reserveCapacity(60_000)
            for i in 0..<60_000 { lines.append(i % 12 < 5 ? "\(i),bad\(i)" : "\(i),\(i)") }
            try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("flood.csv"), atomically: true, encoding: .utf8)
            let script = folder.appendingPathComponent("flood.sql")
            try """
                \(maxEntries.map { "SET 'errors.max-entries' = '\($0)';" } ?? "")
                CREATE TABLE flood (id INT, v INT) WITH ('connector' = 'filesystem', 'path' = 'flood.csv', 'format' = 'csv');
                CREATE TABLE out (id INT, v INT) WITH ('connector' = 'blackhole');
                INSERT INTO out SELECT id, v FROM flood;
                """.write(to: script, atomically: true, encoding: .utf8)
            let run = try RivuletProcess.run(["run", script.path, "--data-dir", folder.appendingPathComponent("data").path])
            #expect(run.status == 0, "\(run.stderr)")
            let file = try String(contentsOf: folder.appendingPathComponent("data/bad-records.jsonl"), encoding: .utf8)
            let raws = file.split(separator: "\n").map { line -> String in
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return object?["raw"] as? String ?? ""
            }
            let bad = (0..<60_000).filter { $0 % 12 < 5 }.map { "\($0),bad\($0)" }
            #expect(bad.count == 25_000)
            let expected = maxEntries == nil ? Array(bad.suffix(10_000)) : bad
            #expect(raws.count == expected.count)
            #expect(raws == expected)
            if maxEntries == nil {
                #expect(run.stderr.contains("15000 older lines trimmed") || run.stderr.contains("15,000 older lines trimmed"), "\(run.stderr)")
            }
        }
    }
}
