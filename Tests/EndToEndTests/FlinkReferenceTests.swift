import Foundation
import Testing

/// Flink SQL scripts run unmodified through `rivulet run` give the rows Flink produced.
@Suite struct FlinkReferenceTests {
    static let folder = RivuletProcess.repositoryRoot.appendingPathComponent("conformance/flink")

    @Test(arguments: [
        "q0", "q2", "q5", "q7", "tumble_agg", "union_all", "union_window",
        "over_range", "over_window", "over_range_bids", "over_rows", "over_unbounded", "in_subquery", "exists_subquery",
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
}
