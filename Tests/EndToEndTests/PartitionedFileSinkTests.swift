import Foundation
import Testing

/// A filesystem sink `PARTITIONED BY` some columns, as Nexmark's q10 declares one: each row in a
/// part file under `col=value/` folders, the partition columns out of the file, a value a path
/// cannot hold plainly escaped, an empty or NULL one in `__DEFAULT_PARTITION__`.
@Suite struct PartitionedFileSinkTests {
    @Test func rowsGoToTheirPartitionsFolders() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            try """
                1,10,2024-01-01 10:00:01
                2,20,2024-01-01 10:00:59
                3,30,2024-01-01 10:01:00
                4,40,2024-01-02 23:59:00

                """.write(to: folder.appendingPathComponent("bids.csv"), atomically: true, encoding: .utf8)
            let file = folder.appendingPathComponent("job.sql")
            try """
                CREATE TABLE bid (auction BIGINT, price BIGINT, `dateTime` TIMESTAMP(3))
                  WITH ('connector' = 'filesystem', 'path' = 'bids.csv', 'format' = 'csv');
                CREATE TABLE out_bids (auction BIGINT, price BIGINT, dt STRING, hm STRING) PARTITIONED BY (dt, hm) WITH (
                  'connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
                INSERT INTO out_bids
                SELECT auction, price, DATE_FORMAT(`dateTime`, 'yyyy-MM-dd'),
                       CASE WHEN auction = 4 THEN '' ELSE DATE_FORMAT(`dateTime`, 'HH:mm') END
                FROM bid;
                """.write(to: file, atomically: true, encoding: .utf8)
            let outcome = try RivuletProcess.run(["run", file.path, "--data-dir", folder.appendingPathComponent("data").path])
            #expect(outcome.status == 0, "\(outcome.stderr)")

            let out = folder.appendingPathComponent("out")
            func rows(in partition: String) throws -> [String] {
                let directory = out.appendingPathComponent(partition)
                var lines: [String] = []
                for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasPrefix("part-") {
                    lines += try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                        .split(separator: "\n").map(String.init)
                }
                return lines.sorted()
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["dt=2024-01-01", "dt=2024-01-02"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("dt=2024-01-01").path).sorted()
                == ["hm=10%3A00", "hm=10%3A01"])
            #expect(try rows(in: "dt=2024-01-01/hm=10%3A00") == ["1,10", "2,20"])
            #expect(try rows(in: "dt=2024-01-01/hm=10%3A01") == ["3,30"])
            #expect(try rows(in: "dt=2024-01-02/hm=__DEFAULT_PARTITION__") == ["4,40"])
        }
    }

    @Test func aPartitionColumnTheTableLacksIsRefused() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("job.sql")
            try """
                CREATE TABLE out_bids (auction BIGINT, dt STRING) PARTITIONED BY (dt, hm) WITH (
                  'connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
                """.write(to: file, atomically: true, encoding: .utf8)
            let outcome = try RivuletProcess.run(["run", file.path, "--check"])
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("PARTITIONED BY names column 'hm', which 'out_bids' does not declare"), "\(outcome.stderr)")
        }
    }
}

/// Flink's statement sets through `rivulet run`: every INSERT planned before any runs, each
/// writing its own sink.
@Suite struct StatementSetRunTests {
    @Test func aStatementSetRunsEachInsertIntoItsSink() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            try "1,10\n2,20\n3,30\n".write(to: folder.appendingPathComponent("bids.csv"), atomically: true, encoding: .utf8)
            let file = folder.appendingPathComponent("job.sql")
            try """
                CREATE TABLE bid (auction BIGINT, price BIGINT) WITH ('connector' = 'filesystem', 'path' = 'bids.csv', 'format' = 'csv');
                CREATE TABLE cheap (auction BIGINT) WITH ('connector' = 'filesystem', 'path' = 'cheap', 'format' = 'csv');
                CREATE TABLE dear (auction BIGINT) WITH ('connector' = 'filesystem', 'path' = 'dear', 'format' = 'csv');
                EXECUTE STATEMENT SET
                BEGIN
                  INSERT INTO cheap SELECT auction FROM bid WHERE price < 25;
                  INSERT INTO dear SELECT auction FROM bid WHERE price >= 25;
                END;
                """.write(to: file, atomically: true, encoding: .utf8)
            let outcome = try RivuletProcess.run(["run", file.path, "--data-dir", folder.appendingPathComponent("data").path])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            func rows(_ sink: String) throws -> [String] {
                let directory = folder.appendingPathComponent(sink)
                return try FileManager.default.contentsOfDirectory(atPath: directory.path).flatMap { name in
                    try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map(String.init)
                }.sorted()
            }
            #expect(try rows("cheap") == ["1", "2"])
            #expect(try rows("dear") == ["3"])

            // An INSERT that does not plan fails the set before any runs.
            try """
                CREATE TABLE bid (auction BIGINT, price BIGINT) WITH ('connector' = 'filesystem', 'path' = 'bids.csv', 'format' = 'csv');
                CREATE TABLE later (auction BIGINT) WITH ('connector' = 'filesystem', 'path' = 'later', 'format' = 'csv');
                EXECUTE STATEMENT SET BEGIN
                  INSERT INTO later SELECT auction FROM bid;
                  INSERT INTO later SELECT nosuch FROM bid;
                END;
                """.write(to: file, atomically: true, encoding: .utf8)
            let refused = try RivuletProcess.run(["run", file.path, "--data-dir", folder.appendingPathComponent("data2").path])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("nosuch"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("later").path))
        }
    }
}
