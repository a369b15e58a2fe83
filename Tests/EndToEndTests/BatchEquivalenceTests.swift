import Foundation
import Testing

/// The fast path changes nothing: every benchmark query of `benchmarks/nexmark/` gives the same
/// output with full batches and sources read ahead on a second thread (the default) as with one
/// row per batch on one thread (`--batch-size 1 --single-thread`), line for line and in order.
///
/// Generator queries run on 20,000 events at 100 events/s of event time with their blackhole
/// sink swapped for a `print` sink, so every change of a changelog is compared; CSV queries read
/// the same events' bids, written as CSV by `tools/bids_to_csv.sql`, and their CSV part files
/// are compared. `benchmarks/nexmark/run.sh --check` does the same on 1 M events in a release build.
@Suite struct BatchEquivalenceTests {
    static let benchmarks = RivuletProcess.repositoryRoot.appendingPathComponent("benchmarks/nexmark")

    static func queries(in folder: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: benchmarks.appendingPathComponent(folder).path)) ?? []
        return files.filter { $0.hasSuffix(".sql") }.map { String($0.dropLast(4)) }.sorted()
    }

    static let single = ["--batch-size", "1", "--single-thread"]

    /// The parameterized tests below run once per query file: with none found they would pass
    /// without running anything.
    @Test func findsTheBenchmarkQueries() {
        #expect(!Self.queries(in: "generator").isEmpty, "no .sql files in \(Self.benchmarks.path)/generator")
        #expect(!Self.queries(in: "csv").isEmpty, "no .sql files in \(Self.benchmarks.path)/csv")
    }

    @Test(arguments: queries(in: "generator"))
    func generatorQueryIsBatchIndependent(_ name: String) async throws {
        try await offPool {
            let text = try String(contentsOf: Self.benchmarks.appendingPathComponent("generator/\(name).sql"), encoding: .utf8)
            #expect(text.contains("'connector' = 'blackhole'"), "\(name) writes to a blackhole sink")
            let script = try NexmarkBenchmarkTests.smallStream(text)
                .replacingOccurrences(of: "'connector' = 'blackhole'", with: "'connector' = 'print'")
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("\(name).sql")
            try script.write(to: file, atomically: true, encoding: .utf8)

            let fast = try RivuletProcess.run(["run", file.path])
            let slow = try RivuletProcess.run(["run", file.path] + Self.single)
            #expect(fast.status == 0, "\(name): \(fast.stderr)")
            #expect(slow.status == 0, "\(name): \(slow.stderr)")
            let lines = fast.stdout.split(separator: "\n")
            let rowsOut = try #require(NexmarkBenchmarkTests.counts(fast.stderr)?.rowsOut, "\(name): \(fast.stderr)")
            #expect(lines.count == rowsOut, "\(name): one printed line per row out")
            #expect(!lines.isEmpty, "\(name) produces rows")
            Self.expectSame(fast.stdout, slow.stdout, name)
        }
    }

    /// The bids of the generator queries' 20,000 events as CSV, written once for every CSV query.
    static let csvInput: Result<URL, any Error> = Result {
        let folder = try RivuletProcess.temporaryDirectory()
        let generate = try String(contentsOf: benchmarks.appendingPathComponent("tools/bids_to_csv.sql"), encoding: .utf8)
        let generator = folder.appendingPathComponent("bids_to_csv.sql")
        try NexmarkBenchmarkTests.smallStream(generate).write(to: generator, atomically: true, encoding: .utf8)
        let made = try RivuletProcess.run(["run", generator.path, "-D", "DATA_DIR=\(folder.path)"])
        guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["stderr": made.stderr]) }
        return folder
    }

    @Test(arguments: queries(in: "csv"))
    func csvQueryIsBatchIndependent(_ name: String) async throws {
        try await offPool {
            let input = try Self.csvInput.get()
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let script = Self.benchmarks.appendingPathComponent("csv/\(name).sql").path
            var outputs: [String] = []
            for (i, options) in [[], Self.single].enumerated() {
                let sink = folder.appendingPathComponent("sink-\(i)")
                // q10 writes its own partitioned files under NEXMARK_DIR: the same folder.
                let defines = ["DATA_DIR=\(input.path)", "SINK_DIR=\(sink.path)", "NEXMARK_DIR=\(sink.path)", "SUBMIT_TIME=check"]
                let run = try RivuletProcess.run(["run", script] + defines.flatMap { ["-D", $0] } + options)
                #expect(run.status == 0, "\(name): \(run.stderr)")
                // q5 and q7 read the bids twice.
                let rowsIn = NexmarkBenchmarkTests.counts(run.stderr)?.rowsIn ?? 0
                #expect(rowsIn > 0 && rowsIn % 18_400 == 0, "\(name) reads every bid: \(run.stderr)")
                outputs.append(try Self.partFiles(in: sink))
            }
            #expect(!outputs[0].isEmpty, "\(name) produces rows")
            Self.expectSame(outputs[0], outputs[1], name)
        }
    }

    /// The part files of a sink folder and its partition folders, concatenated in path order.
    static func partFiles(in folder: URL) throws -> String {
        let manager = FileManager.default
        let paths = try manager.subpathsOfDirectory(atPath: folder.path).sorted().filter { path in
            var isDirectory: ObjCBool = false
            let exists = manager.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue
        }
        return try paths.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }.joined()
    }

    /// Equal outputs, or the first line where they part.
    static func expectSame(_ fast: String, _ slow: String, _ name: String) {
        guard fast != slow else { return }
        let a = fast.split(separator: "\n", omittingEmptySubsequences: false)
        let b = slow.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        Issue.record("""
            \(name): output differs with one row per batch on one thread at line \(line + 1) \
            (\(a.count) vs \(b.count) lines): '\(line < a.count ? a[line] : "")' vs '\(line < b.count ? b[line] : "")'
            """)
    }
}
