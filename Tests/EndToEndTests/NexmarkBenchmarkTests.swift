import Foundation
import Testing

/// Every query of `benchmarks/nexmark/generator/` runs end to end under `rivulet run` on a small
/// generated stream: 20,000 events at 100 events per second of event time (200 s, so windowed
/// queries see 20 tumbling windows), through the query's own blackhole sink.
///
/// The expected counts were worked out independently of the engine: the three generated streams
/// were written to CSV and each query's answer computed from its semantics by a separate
/// program (and at 1 M events those programs agree with `run.sh --quick`). Where the query
/// produces a changelog, `rows out` counts every change; its final result is checked too, by
/// counting the rows the same query leaves behind (`SELECT COUNT(*) FROM (query)`).
@Suite struct NexmarkBenchmarkTests {
    struct Expected: Sendable {
        /// Rows the sources read: 18,400 bids, 1,200 auctions, 400 persons (a source read twice counts twice).
        var rowsIn: Int
        /// Rows handed to the sink, changes included.
        var rowsOut: Int
        /// For a changelog: the rows of the final result.
        var finalRows: Int?
    }

    static let folder = RivuletProcess.repositoryRoot.appendingPathComponent("benchmarks/nexmark/generator")

    static let expected: [String: Expected] = [
        "q0": Expected(rowsIn: 18_400, rowsOut: 18_400),
        "q1": Expected(rowsIn: 18_400, rowsOut: 18_400),
        // Bids on auctions whose id is a multiple of 123.
        "q2": Expected(rowsIn: 18_400, rowsOut: 56),
        // Auctions of category 10 whose seller lives in OR, ID or CA (an inner join only inserts).
        "q3": Expected(rowsIn: 1_600, rowsOut: 78),
        // One average per category; every auction's maximum update moves it.
        "q4": Expected(rowsIn: 19_600, rowsOut: 8_965, finalRows: 5),
        // (window, auction) pairs at their window's highest count, ties included: append-only,
        // each pair once when both windowed inputs have closed the window (as in Flink).
        "q5": Expected(rowsIn: 36_800, rowsOut: 104),
        "q7": Expected(rowsIn: 18_400, rowsOut: 20),
        // One bid carries each window's highest price.
        "q7_join": Expected(rowsIn: 36_800, rowsOut: 20),
        // Persons who opened an auction in the 10 s window they registered in.
        "q8": Expected(rowsIn: 1_600, rowsOut: 242),
        // Auctions with at least one bid placed while open; each new leader updates the row.
        "q9": Expected(rowsIn: 19_600, rowsOut: 4_490, finalRows: 1_168),
        "q11": Expected(rowsIn: 18_400, rowsOut: 1_517),
        // Distinct (bidder, auction): +I for the first bid, -U/+U for each later one.
        "q18": Expected(rowsIn: 18_400, rowsOut: 31_780, finalRows: 5_020),
        // min(10, bids) per auction; each bid updates every position from its own down.
        "q19": Expected(rowsIn: 18_400, rowsOut: 48_724, finalRows: 8_628),
        "tumble_agg": Expected(rowsIn: 18_400, rowsOut: 2_723),
    ]

    static var queries: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".sql") }.map { String($0.dropLast(4)) }.sorted()
    }

    @Test func everyBenchmarkQueryHasExpectedCounts() {
        #expect(Self.queries.count >= Self.expected.count)
        #expect(Set(Self.queries) == Set(Self.expected.keys), "a query was added or removed: pin its counts here")
    }

    @Test(arguments: queries)
    func runsWithPinnedCounts(_ name: String) async throws {
        try await offPool {
            let expected = try #require(Self.expected[name], "no expected counts for \(name)")
            let text = try String(contentsOf: Self.folder.appendingPathComponent("\(name).sql"), encoding: .utf8)
            let script = try Self.smallStream(text)
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }

            let file = folder.appendingPathComponent("\(name).sql")
            try script.write(to: file, atomically: true, encoding: .utf8)
            let run = try RivuletProcess.run(["run", file.path, "--data-dir", folder.appendingPathComponent("data").path])
            #expect(run.status == 0, "\(name): \(run.stderr)")
            let summary = try #require(Self.counts(run.stderr), "\(name): no summary in \(run.stderr)")
            #expect(summary.rowsIn == expected.rowsIn, "\(name) rows in")
            #expect(summary.rowsOut == expected.rowsOut, "\(name) rows out")
            #expect(summary.lateRows == 0, "\(name): generated input is in order, nothing may be late")

            guard let finalRows = expected.finalRows else { return }
            let countFile = folder.appendingPathComponent("\(name)_count.sql")
            try Self.countingFinalRows(script).write(to: countFile, atomically: true, encoding: .utf8)
            let counted = try RivuletProcess.run(["run", countFile.path, "--data-dir", folder.appendingPathComponent("data2").path])
            #expect(counted.status == 0, "\(name): \(counted.stderr)")
            #expect(Self.lastCount(counted.stdout) == finalRows, "\(name) final rows: \(counted.stdout.suffix(300))")
        }
    }

    /// The script on 20,000 events at 100 events/s; every source must take the substitution.
    static func smallStream(_ text: String) throws -> String {
        let placeholder = "'events' = '${EVENTS}'"
        try #require(text.contains(placeholder), "sources read 'events' = '${EVENTS}'")
        return text.replacingOccurrences(of: placeholder, with: "'events' = '20000', 'rate' = '100'")
    }

    /// The script with its `INSERT INTO sink` query replaced by a count of that query's final rows.
    static func countingFinalRows(_ script: String) throws -> String {
        let start = try #require(script.range(of: "INSERT INTO "))
        let afterTarget = try #require(script[start.upperBound...].firstIndex(of: "\n"))
        var query = script[afterTarget...].trimmingCharacters(in: .whitespacesAndNewlines)
        if query.hasSuffix(";") { query.removeLast() }
        return String(script[..<start.lowerBound]) + "SELECT COUNT(*) AS n FROM (\n\(query)\n) AS r;\n"
    }

    /// `rows in A, rows out B, late rows C` of the summary line.
    static func counts(_ stderr: String) -> (rowsIn: Int, rowsOut: Int, lateRows: Int)? {
        guard let line = stderr.split(separator: "\n").last(where: { $0.contains("rows in ") }) else { return nil }
        func number(after label: String) -> Int? {
            guard let range = line.range(of: label) else { return nil }
            return Int(line[range.upperBound...].prefix(while: \.isNumber))
        }
        guard let rowsIn = number(after: "rows in "), let rowsOut = number(after: "rows out "),
              let late = number(after: "late rows ") else { return nil }
        return (rowsIn, rowsOut, late)
    }

    /// The count in the last row of a printed result (a changelog's last `+I`/`+U` holds the final count).
    static func lastCount(_ stdout: String) -> Int? {
        let rows = stdout.split(separator: "\n").filter { $0.contains("|") && !$0.contains("op") && !$0.contains("-+-") }
        guard let last = rows.last?.split(separator: "|").last else { return nil }
        return Int(last.trimmingCharacters(in: .whitespaces))
    }
}
