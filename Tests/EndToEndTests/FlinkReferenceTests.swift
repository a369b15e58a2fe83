import Foundation
import Testing

/// Flink SQL scripts run unmodified through `rivulet run` give the rows Flink produced.
@Suite struct FlinkReferenceTests {
    static let folder = RivuletProcess.repositoryRoot.appendingPathComponent("conformance/flink")

    @Test(arguments: [
        "q0", "q2", "q5", "q7", "tumble_agg", "union_all", "union_window", "over_range", "over_window",
        "over_range_bids", "over_rows", "over_unbounded", "in_subquery", "exists_subquery", "grouping_sets_window",
        "rollup_window", "cube_window", "window_semi_join", "window_anti_join", "computed_columns", "q21", "q22",
        "regex_functions", "match_recognize_rises", "match_recognize_within", "q1", "q3", "q8", "q10", "q11", "q20",
        "decimal_arithmetic", "decimal_aggregates",
    ])
    func scriptGivesFlinksRows(_ name: String) async throws {
        try await offPool {
            let sink = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: sink) }
            let outcome = try RivuletProcess.run([
                "run", Self.folder.appendingPathComponent("queries/\(name).sql").path,
                "-D", "DATA_DIR=\(Self.folder.appendingPathComponent("data/small").path)",
                "-D", "SINK_DIR=\(sink.appendingPathComponent("out").path)",
            ])
            #expect(outcome.status == 0, "rivulet run failed: \(outcome.stderr)")
            #expect(outcome.stderr.contains("late rows 0"), "\(outcome.stderr)")
            let expected = try ResultComparison.rows(at: Self.folder.appendingPathComponent("expected/\(name).csv"))
            let actual = try ResultComparison.rows(at: sink.appendingPathComponent("out"))
            let difference = ResultComparison.difference(expected: expected, actual: actual)
            #expect(difference == nil, "\(difference ?? "")")
        }
    }

    /// A script ending in a SELECT whose result is a changelog (Flink's filesystem sink takes
    /// none): the final rows `rivulet run` prints are Flink's with its changes applied.
    @Test(arguments: ["union", "intersect", "except", "grouping_sets"])
    func selectGivesFlinksFinalRows(_ name: String) async throws {
        try await offPool {
            let outcome = try RivuletProcess.run([
                "run", Self.folder.appendingPathComponent("queries/\(name).sql").path,
                "-D", "DATA_DIR=\(Self.folder.appendingPathComponent("data/small").path)",
            ])
            #expect(outcome.status == 0, "rivulet run failed: \(outcome.stderr)")
            #expect(outcome.stderr.contains("late rows 0"), "\(outcome.stderr)")
            let expected = try ResultComparison.rows(at: Self.folder.appendingPathComponent("expected/\(name).csv"))
            let difference = ResultComparison.difference(expected: expected, actual: Self.printedRows(outcome.stdout))
            #expect(difference == nil, "\(difference ?? "")")
        }
    }

    /// The rows of the result table `rivulet run` prints: the lines between the header's rule
    /// and the `(n rows)` footer, cells separated by `|`, `NULL` as an empty field (as Flink's rows
    /// were written). A changelog (an `op` column first) is applied: `+I`/`+U` add a row, `-U`/`-D`
    /// remove an equal one.
    static func printedRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var header: [String] = []
        var previous: [String] = []
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                let cell = $0.trimmingCharacters(in: .whitespaces)
                return cell == "NULL" ? "" : cell
            }
            if !inTable {
                inTable = !line.isEmpty && line.allSatisfy { $0 == "-" || $0 == "+" }
                if inTable { header = previous }
                previous = cells
            } else if line.hasPrefix("(") {
                break
            } else if header.first == "op" {
                let row = Array(cells.dropFirst())
                if cells[0] == "+I" || cells[0] == "+U" {
                    rows.append(row)
                } else if let index = rows.lastIndex(of: row) {
                    rows.remove(at: index)
                }
            } else {
                rows.append(cells)
            }
        }
        return rows
    }
}
