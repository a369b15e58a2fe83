import Foundation
import Testing

/// Nexmark's queries as the Nexmark project publishes them (`benchmarks/nexmark/published/`,
/// unmodified), each run the way Nexmark's runner runs it: its `ddl_gen.sql` (one generator
/// source of every event, with nested ROWs per kind and a computed `dateTime` carrying the
/// watermark) and `ddl_views.sql` (person, auction and bid split by `event_type`) before the
/// query, here as `rivulet run -i ddl_gen.sql -i ddl_views.sql qN.sql`.
///
/// The generator's one-source shape emits the same events as its three one-kind sources, so on
/// the same 20,000 events at 100 per second each query must hand its sink exactly the rows its
/// counterpart over one-kind sources does (`NexmarkBenchmarkTests`' counts, worked out
/// independently of the engine).
@Suite struct PublishedNexmarkTests {
    static let folder = RivuletProcess.repositoryRoot.appendingPathComponent("benchmarks/nexmark/published")

    /// Each published query and the query of `benchmarks/nexmark/generator/` it equals.
    static let counterparts: [String: String] = [
        "q0": "q0", "q1": "q1", "q2": "q2", "q3": "q3", "q4": "q4", "q5": "q5", "q7": "q7_join",
        "q8": "q8", "q9": "q9", "q11": "q11", "q18": "q18", "q19": "q19",
    ]

    /// Nexmark's variables: 20,000 events at 100 per second of event time, its default mix.
    static let variables = [
        "NEXMARK_TABLE=datagen", "TPS=100", "EVENTS_NUM=20000",
        "PERSON_PROPORTION=1", "AUCTION_PROPORTION=3", "BID_PROPORTION=46",
    ]

    /// Runs `name`.sql of `folder` after the published DDL, with checkpoints in a folder of its own.
    static func run(_ name: String, in folder: URL) throws -> RivuletProcess.Outcome {
        let data = try RivuletProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        var arguments = ["run", folder.appendingPathComponent("\(name).sql").path, "--data-dir", data.path]
        for ddl in ["ddl_gen", "ddl_views"] { arguments += ["-i", Self.folder.appendingPathComponent("\(ddl).sql").path] }
        for variable in variables { arguments += ["-D", variable] }
        return try RivuletProcess.run(arguments)
    }

    @Test(arguments: counterparts.keys.sorted())
    func publishedQueryGivesItsCounterpartsRows(_ name: String) async throws {
        try await offPool {
            let counterpart = try #require(Self.counterparts[name])
            let expected = try #require(NexmarkBenchmarkTests.expected[counterpart])
            let run = try Self.run(name, in: Self.folder)
            #expect(run.status == 0, "\(name): \(run.stderr)")
            let summary = try #require(NexmarkBenchmarkTests.counts(run.stderr), "\(name): no summary in \(run.stderr)")
            #expect(summary.rowsOut == expected.rowsOut, "\(name) rows out, as \(counterpart) over one-kind sources")
            #expect(summary.lateRows == 0, "\(name): generated input is in order, nothing may be late")
        }
    }

    /// The one source holds every event once, each in the ROW of its kind, the others NULL.
    @Test func oneSourceHoldsEveryEventInItsKindsRow() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let script = """
                SELECT event_type, COUNT(*) AS events, COUNT(person) AS persons, COUNT(auction) AS auctions,
                       COUNT(bid) AS bids, MIN(`dateTime`) AS first_event, MAX(`dateTime`) AS last_event
                FROM datagen GROUP BY event_type;
                """
            try script.write(to: folder.appendingPathComponent("kinds.sql"), atomically: true, encoding: .utf8)
            let run = try Self.run("kinds", in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            // The result is a changelog: each group's last insert or update is its final row.
            var finalRows: [String: [String]] = [:]
            for line in run.stdout.split(separator: "\n") {
                let fields = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count == 8, fields[0] == "+I" || fields[0] == "+U" else { continue }
                finalRows[fields[1]] = Array(fields.dropFirst())
            }
            let rows = finalRows.keys.sorted().map { finalRows[$0]! }
            // 20,000 events at 100 per second from 2024-01-01 12:00:00: 1 person, 3 auctions and 46
            // bids in every 50, the last event at 199.99 s.
            #expect(rows == [
                ["0", "400", "400", "0", "0", "2024-01-01 12:00:00.000", "2024-01-01 12:03:19.500"],
                ["1", "1200", "0", "1200", "0", "2024-01-01 12:00:00.010", "2024-01-01 12:03:19.530"],
                ["2", "18400", "0", "0", "18400", "2024-01-01 12:00:00.040", "2024-01-01 12:03:19.990"],
            ], "\(run.stdout.suffix(2000))")
        }
    }
}

extension PublishedNexmarkTests {
    /// q12 counts each bidder's bids per 10 seconds of the wall clock (`PROCTIME()` in a view),
    /// so its rows depend on when the run happens: every bidder is in some window (a run that
    /// crosses a window's end counts a bidder once per window), no row is late, and the end of
    /// the input closes the windows still open.
    @Test func q12CountsEveryBidderInProcessingTimeWindows() async throws {
        try await offPool {
            let run = try Self.run("q12", in: Self.folder)
            #expect(run.status == 0, "\(run.stderr)")
            let summary = try #require(NexmarkBenchmarkTests.counts(run.stderr), "no summary in \(run.stderr)")
            #expect(summary.rowsIn == 20_000)
            #expect(summary.lateRows == 0)

            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            try "SELECT COUNT(DISTINCT bidder) AS bidders FROM bid;\n"
                .write(to: folder.appendingPathComponent("bidders.sql"), atomically: true, encoding: .utf8)
            let bidders = try #require(NexmarkBenchmarkTests.lastCount(try Self.run("bidders", in: folder).stdout))
            #expect(bidders > 100)
            #expect(summary.rowsOut >= bidders && summary.rowsOut <= 18_400, "\(summary.rowsOut) rows for \(bidders) bidders")
        }
    }

    /// A mistake in a script given with `-i` is reported at its place in that script.
    @Test func anErrorInAnInitScriptNamesThatScript() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let ddl = folder.appendingPathComponent("ddl.sql")
            try "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole');\nCREATE TABLE u (a INT,, b INT) WITH ('connector' = 'blackhole');\n"
                .write(to: ddl, atomically: true, encoding: .utf8)
            let query = folder.appendingPathComponent("q.sql")
            try "INSERT INTO t SELECT 1;\n".write(to: query, atomically: true, encoding: .utf8)
            let run = try RivuletProcess.run(["run", "-i", ddl.path, query.path])
            #expect(run.status == 1)
            #expect(run.stderr.contains("ddl.sql: line 2, column 23"), "\(run.stderr)")
        }
    }

    /// Nexmark varies its rate between two values over a period; one constant rate is supported,
    /// and two different ones are refused rather than ignored.
    @Test func differentFirstAndNextRatesAreRefused() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let ddl = try String(contentsOf: Self.folder.appendingPathComponent("ddl_gen.sql"), encoding: .utf8)
                .replacingOccurrences(of: "'next-event.rate' = '${TPS}'", with: "'next-event.rate' = '5'")
            try (ddl + "\nSELECT COUNT(*) FROM datagen;\n").write(to: folder.appendingPathComponent("q.sql"), atomically: true, encoding: .utf8)
            var arguments = ["run", folder.appendingPathComponent("q.sql").path]
            for variable in Self.variables { arguments += ["-D", variable] }
            let run = try RivuletProcess.run(arguments)
            #expect(run.status == 1)
            #expect(run.stderr.contains("'first-event.rate' (100) and 'next-event.rate' (5) differ"), "\(run.stderr)")
        }
    }
}
