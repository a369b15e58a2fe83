import Foundation
import Testing

/// Every file under `conformance/` runs as one test; a failure lists each mismatching record.
@Suite struct ConformanceTests {
    @Test(arguments: SLTFile.all)
    func conformance(_ file: SLTFile) throws {
        let runner = try SLTRunner()
        runner.run(file)
        #expect(runner.failures.isEmpty, Comment(rawValue: runner.failures.joined(separator: "\n\n")))
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["RIVULET_SLT"] == nil))
    func theSuiteIsNotEmpty() {
        #expect(SLTFile.all.count >= 20)
    }
}
