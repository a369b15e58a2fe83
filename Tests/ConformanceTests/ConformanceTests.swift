import Foundation
import Testing

/// Every file under `conformance/` runs as one test; a failure lists each mismatching record.
@Suite struct ConformanceTests {
    /// Each file runs with one row per batch, a few, and many: results never depend on batch sizes.
    @Test(arguments: SLTFile.all, [1, 3, 1024])
    func conformance(_ file: SLTFile, batchSize: Int) throws {
        let runner = try SLTRunner(batchSize: batchSize)
        runner.run(file)
        #expect(runner.failures.isEmpty, Comment(rawValue: runner.failures.joined(separator: "\n\n")))
    }

    /// Each file again with every query checkpointed half-way through its input and restored
    /// into a new run: the output equals the uninterrupted one.
    @Test(arguments: SLTFile.all, [1, 1024])
    func conformanceAcrossACheckpoint(_ file: SLTFile, batchSize: Int) throws {
        let runner = try SLTRunner(batchSize: batchSize, cutHalfWay: true)
        runner.run(file)
        #expect(runner.failures.isEmpty, Comment(rawValue: runner.failures.joined(separator: "\n\n")))
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["RIVULET_SLT"] == nil))
    func theSuiteIsNotEmpty() {
        #expect(SLTFile.all.count >= 20)
    }
}
