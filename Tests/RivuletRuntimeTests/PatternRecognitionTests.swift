import RivuletCore
import RivuletPlanner
import RivuletRuntime
import RivuletSQL
import Testing

@Suite struct PatternRecognitionTests {
    static let fields = [Field("k", .bigint), Field("ts", .timestamp3), Field("v", .bigint)]

    /// Key 1: the V shape of Flink's ticker (25 falls to 14, then 24) with times in ms; ts 6
    /// arrives before ts 5 (on time with a 2 ms delay), and (1, 3, 1) arrives under watermark 6:
    /// late. Key 2 falls 30, 28, 27 and rises to 40.
    static let rows: [[Value]] = [
        [.int(1), .timestamp(0), .int(12)], [.int(2), .timestamp(1), .int(30)], [.int(1), .timestamp(1), .int(17)],
        [.int(2), .timestamp(2), .int(28)], [.int(1), .timestamp(2), .int(19)], [.int(1), .timestamp(3), .int(21)],
        [.int(2), .timestamp(3), .int(27)], [.int(1), .timestamp(4), .int(25)], [.int(2), .timestamp(4), .int(40)],
        [.int(1), .timestamp(6), .int(15)], [.int(1), .timestamp(5), .int(18)], [.int(1), .timestamp(7), .int(14)],
        [.int(1), .timestamp(8), .int(24)], [.int(1), .timestamp(3), .int(1)], [.int(1), .timestamp(9), .int(25)],
        [.int(1), .timestamp(10), .int(19)],
    ]

    static let vShape = """
        SELECT * FROM t MATCH_RECOGNIZE (
          PARTITION BY k ORDER BY ts
          MEASURES START_ROW.v AS top, LAST(DOWN.v) AS bottom, LAST(UP.v) AS rise, COUNT(DOWN.v) AS falls
          AFTER MATCH SKIP TO LAST UP
          PATTERN (START_ROW DOWN+ UP)
          DEFINE DOWN AS (LAST(DOWN.v, 1) IS NULL AND DOWN.v < START_ROW.v) OR DOWN.v < LAST(DOWN.v, 1),
                 UP AS UP.v > LAST(DOWN.v, 1))
        """

    struct TestCatalog: Catalog {
        var relations: [Relation]
        func relation(named name: String) -> Relation? { relations.first { $0.name.lowercased() == name.lowercased() } }
        func view(named name: String) -> Query? { nil }
        var relationNames: [String] { relations.map(\.name) }
    }

    static func plan(_ sql: String) throws(SQLError) -> StreamPlan {
        let relation = Relation(
            name: "t", kind: .stream, schema: Schema(fields), connector: ConnectorSpec(connector: "memory", options: [:]),
            watermark: WatermarkSpec(column: 1, delayMillis: 2), primaryKey: [])
        guard case .query(let query) = try parseScript(sql).first?.statement else { throw SQLError.internal("not a query") }
        return try QueryBinder(catalog: TestCatalog(relations: [relation])).bind(query).plan
    }

    static func node(_ sql: String) throws -> StreamPlan.MatchRecognize {
        var plan = try plan(sql)
        while true {
            if case .matchRecognize(let node) = plan { return node }
            guard let input = plan.inputs.first else { throw SQLError.internal("no MatchRecognize in the plan") }
            plan = input
        }
    }

    @Test(arguments: [1, 3, 100])
    func matchesInEventTimeOrderAndDropsLateRows(batchSize: Int) throws {
        let node = try Self.node(Self.vShape)
        let result = try runOperator(
            PatternRecognition(node), rows: Self.rows, types: Self.fields.map(\.type), outputTypes: node.schema.types,
            timeColumn: 1, delay: 2, batchSize: batchSize)
        // Key 2's match ends at ts 4, key 1's at ts 8 (its late row 1 at ts 3 would have cut it).
        #expect(result.lines == ["+I 2,30,27,40,2", "+I 1,25,14,24,3"])
        #expect(result.lateRows == 1)
        // Partial matches left at the end of input: key 1's START_ROW 25 with DOWN 19 and its
        // START_ROW 19, key 2's START_ROW 40 (where SKIP TO LAST UP resumed).
        #expect(result.stateSizeAtEnd == 3)
    }

    /// Checkpointed after any step, mid-match included, and restored into a new pipeline, the
    /// query emits exactly what it emits uninterrupted.
    @Test(arguments: [
        vShape,
        """
        SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts
          MEASURES FIRST(A.v) AS a, SUM(A.v) AS s, C.v AS c AFTER MATCH SKIP TO NEXT ROW
          PATTERN (A+? B* C) WITHIN INTERVAL '0.005' SECOND
          DEFINE A AS A.v < 30, B AS B.v < 20, C AS C.v > 20)
        """,
    ])
    func restoredMidMatchContinuesAsIfUninterrupted(sql: String) throws {
        let plan = try Self.plan(sql)
        func pipeline(into sink: MemorySink) throws -> QueryPipeline {
            try QueryPipeline(
                plan: plan, openSource: { scan in MemorySource(types: scan.schema.types, rows: Self.rows) }, sink: sink,
                batchSize: 2)
        }
        let whole = MemorySink(types: plan.schema.types)
        let uninterrupted = try pipeline(into: whole)
        var steps = 0
        var heldPartialMatch = false
        while try uninterrupted.step() {
            steps += 1
            heldPartialMatch = heldPartialMatch || uninterrupted.metrics.stateSize > 0
        }
        #expect(!whole.lines.isEmpty)
        #expect(heldPartialMatch)
        for cut in 1...steps {
            let first = MemorySink(types: plan.schema.types)
            let before = try pipeline(into: first)
            for _ in 0..<cut { try before.step() }
            var writer = StateWriter()
            try before.snapshot(into: &writer)
            let second = MemorySink(types: plan.schema.types)
            let after = try pipeline(into: second)
            var reader = StateReader(writer.bytes)
            try after.restore(from: &reader)
            #expect(try reader.isAtEnd())
            #expect(after.metrics.stateSize == before.metrics.stateSize, "cut after step \(cut)")
            let metrics = try after.runToEnd()
            #expect(first.lines + second.lines == whole.lines, "cut after step \(cut)")
            #expect(metrics.lateRows == uninterrupted.metrics.lateRows)
        }
    }

    @Test func explainShowsThePattern() throws {
        let text = try Self.plan(Self.vShape).explainLines().joined(separator: "\n")
        #expect(text.contains("MatchRecognize: partition=[$0] order=$1 pattern=(START_ROW DOWN+ UP) skip=TO LAST $v2"))
    }

    /// What Flink does not support is refused with the position of the offending piece.
    @Test(arguments: [
        ("PATTERN (A | B)", "alternation", 10),
        ("PATTERN (A (B C)+)", "groups", 12),
        ("PATTERN (PERMUTE(A, B))", "PERMUTE", 10),
        ("ALL ROWS PER MATCH PATTERN (A B)", "ALL ROWS PER MATCH", 1),
        ("PATTERN (A B*)", "greedy", 13),
        ("PATTERN (A B?? C)", "reluctant optional", 13),
        ("PATTERN (A B+ C? D)", "cannot follow a greedy", 15),
        ("PATTERN (A? B*?)", "no rows", 11),
        ("PATTERN (A B) DEFINE X AS X.v > 1", "not a variable", 22),
        ("AFTER MATCH SKIP TO LAST X PATTERN (A B)", "not a variable", 26),
    ] as [(String, String, Int)])
    func unsupportedPiecesAreRefusedWithPositions(clauses: String, message: String, column: Int) throws {
        let sql = "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES A.v AS a " + clauses + ")"
        do {
            _ = try Self.plan(sql)
            Issue.record("accepted: \(sql)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            // `column` counts from the first character of the clauses (column 64).
            #expect(error.span?.start.column == 63 + column, "\(error.message)")
        }
    }

    @Test func unsupportedFunctionsAndOrderAreRefused() throws {
        for (measure, message) in [
            ("CLASSIFIER() AS c", "CLASSIFIER"), ("COUNT(DISTINCT A.v) AS c", "DISTINCT"),
            ("LAST(A.v * B.v) AS c", "one pattern variable"), ("LAST(A.v, -1) AS c", "offset"),
        ] {
            let sql = "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES \(measure) PATTERN (A B))"
            #expect(throws: SQLError.self, "\(sql)") { try Self.plan(sql) }
            do { _ = try Self.plan(sql) } catch { #expect(error.message.contains(message), "\(error.message)") }
        }
        do {
            _ = try Self.plan("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY v MEASURES A.v AS a PATTERN (A B))")
            Issue.record("ordered by a non-time column")
        } catch {
            #expect(error.state == .featureNotSupported)
            #expect(error.message.contains("event-time"))
        }
    }
}
