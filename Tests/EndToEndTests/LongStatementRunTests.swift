import Foundation
import Testing

/// `rivulet run --check` on operator chains of thousands of terms: a clean error, never a crash.
@Suite struct LongStatementRunTests {
    @Test(arguments: [5_000, 20_000])
    func longOperatorChainsAreRefusedCleanly(terms: Int) async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            for (term, op) in [("1", "+"), ("'a'", "||"), ("TRUE", "AND"), ("1 = 2", "OR")] {
                let file = folder.appendingPathComponent("chain.sql")
                let sql = "SELECT " + Array(repeating: term, count: terms).joined(separator: " \(op) ") + ";\n"
                try sql.write(to: file, atomically: true, encoding: .utf8)
                let checked = try RivuletProcess.run(["run", "--check", file.path])
                #expect(checked.status == 0 || checked.stderr.contains("statement too complex"), "\(op): \(checked.stderr)")
            }
        }
    }

    @Test func twoHundredFiftyTermsStillRun() async throws {
        try await offPool {
            let folder = try RivuletProcess.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("chain.sql")
            try ("SELECT " + Array(repeating: "1", count: 250).joined(separator: " + ") + ";\n")
                .write(to: file, atomically: true, encoding: .utf8)
            let run = try RivuletProcess.run(["run", file.path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("250"), "\(run.stdout)")
        }
    }
}
