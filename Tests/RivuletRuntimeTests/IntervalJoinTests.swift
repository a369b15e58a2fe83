import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct IntervalJoinTests {
    static let left = [Field("k", .bigint), Field("ts", .bigint)]
    static let right = [Field("k", .bigint), Field("ts", .bigint)]

    /// `l.ts − r.ts` in [−10, 5] ms, on equal k.
    static func plan(_ kind: StreamPlan.Join.Kind) -> StreamPlan {
        .join(.init(
            left: namedScan("l", left, timeColumn: 1), right: namedScan("r", right, timeColumn: 1), kind: kind,
            strategy: .interval(lower: -10, upper: 5), leftKeys: [0], rightKeys: [0], residual: nil, leftTime: 1, rightTime: 1))
    }

    static let rows: [String: [[Value]]] = [
        "l": [[.int(1), .int(0)], [.int(2), .int(5)], [.int(3), .int(20)]],
        "r": [[.int(2), .int(0)], [.int(1), .int(10)], [.int(1), .int(11)], [.int(3), .int(31)]],
    ]

    @Test(arguments: [1, 2, 100])
    func matchesAtBothBoundsWhateverTheBatchSize(batchSize: Int) throws {
        let run = try runPlan(Self.plan(.inner), rows: Self.rows, batchSize: batchSize)
        #expect(run.lines.sorted() == ["+I 1,0,1,10", "+I 2,5,2,0"])
        #expect(run.metrics.stateSize == 0)
    }

    @Test(arguments: [1, 3, 100])
    func fullOuterEmitsUnmatchedRowsOfBothSides(batchSize: Int) throws {
        let run = try runPlan(Self.plan(.full), rows: Self.rows, batchSize: batchSize)
        #expect(run.lines.sorted() == [
            "+I 1,0,1,10", "+I 2,5,2,0", "+I 3,20,NULL,NULL", "+I NULL,NULL,1,11", "+I NULL,NULL,3,31",
        ])
    }

    /// Merged order: l (9, 12) | r (7, 20) | r (9, 10) | r (6, 5) | l (8, 40). Both right rows
    /// come under the watermark min(20, 12) = 12: r (9, 10) still joins the held l (9, 12);
    /// r (6, 5) is not held (12 ≥ 5 + 5) and has no partner.
    static let lateRows: [String: [[Value]]] = [
        "l": [[.int(9), .int(12)], [.int(8), .int(40)]],
        "r": [[.int(7), .int(20)], [.int(9), .int(10)], [.int(6), .int(5)]],
    ]

    @Test(arguments: [1, 2, 100])
    func aRowBelowTheWatermarkJoinsTheRowsStillHeld(batchSize: Int) throws {
        let run = try runPlan(Self.plan(.inner), rows: Self.lateRows, batchSize: batchSize)
        #expect(run.lines == ["+I 9,12,9,10"])
        #expect(run.metrics.lateRows == 1, "only r (6, 5), which can match nothing, is dropped")
        #expect(run.metrics.stateSize == 0)
    }

    @Test(arguments: [1, 2, 100])
    func aLateRowOfAnOuterSideIsPaddedInsteadOfDropped(batchSize: Int) throws {
        let right = try runPlan(Self.plan(.right), rows: Self.lateRows, batchSize: batchSize)
        #expect(right.lines.sorted() == ["+I 9,12,9,10", "+I NULL,NULL,6,5", "+I NULL,NULL,7,20"])
        #expect(right.metrics.lateRows == 0)
        let left = try runPlan(Self.plan(.left), rows: Self.lateRows, batchSize: batchSize)
        #expect(left.lines.sorted() == ["+I 8,40,NULL,NULL", "+I 9,12,9,10"])
        #expect(left.metrics.lateRows == 1)
    }

    @Test(arguments: [1, 8192])
    func onlyARowThatCanMatchNothingGoesToTheLateRowLog(batchSize: Int) throws {
        let log = LateRowLog()
        let pipeline = try QueryPipeline(
            plan: Self.plan(.left),
            openSource: { scan in
                MemorySource(types: scan.schema.types, rows: Self.lateRows[scan.relation.name] ?? [])
            },
            sink: MemorySink(types: Self.plan(.left).schema.types), batchSize: batchSize, lateRowLog: log)
        #expect(try pipeline.runToEnd().lateRows == 1)
        let late = try #require(log.entries.first)
        #expect(log.entries.count == 1)
        #expect(late.source == "r" && late.operatorName == "IntervalJoin")
        #expect(late.rowJSON == #"{"k":6,"ts":5}"#)
        #expect(late.eventTime == 5 && late.watermark == 12)
    }

    /// As in Flink, a key's held rows are cleaned by one timer, set for the first row held:
    /// l (1, 20) expires once the operator time passes 30, but waits for the timer of l (1, 30)
    /// at 41 and joins r (1, 18), which comes under min(33, 35) = 33.
    /// Merged order: l (1, 30) | l (1, 20) | r (3, 33) | l (2, 35) | r (1, 18).
    @Test(arguments: [1, 2, 100])
    func aRowHeldPastItsExpiryJoinsUntilItsKeysTimerFires(batchSize: Int) throws {
        let rows: [String: [[Value]]] = [
            "l": [[.int(1), .int(30)], [.int(1), .int(20)], [.int(2), .int(35)]],
            "r": [[.int(3), .int(33)], [.int(1), .int(18)]],
        ]
        let run = try runPlan(Self.plan(.inner), rows: rows, batchSize: batchSize)
        #expect(run.lines == ["+I 1,20,1,18"])
        #expect(run.metrics.lateRows == 0)
    }

    /// A long stream of in-order rows on both sides: state stays bounded by the interval.
    @Test func stateLevelsOffOverALongStream() throws {
        let count = 100_000
        let left = (0..<count).map { i -> [Value] in [.int(Int64(i % 100)), .int(Int64(i))] }
        let right = (0..<count).map { i -> [Value] in [.int(Int64(i % 100)), .int(Int64(i) + 3)] }
        let pipeline = try QueryPipeline(
            plan: Self.plan(.inner),
            openSource: { scan in MemorySource(types: scan.schema.types, rows: scan.relation.name == "l" ? left : right) },
            sink: BlackholeSink(), batchSize: 1024)
        var samples: [Int] = []
        var steps = 0
        while try pipeline.step() {
            steps += 1
            if steps % 40 == 0 { samples.append(pipeline.metrics.stateSize) }
        }
        // Only rows within the 15 ms interval of the watermark stay.
        #expect(samples.count > 5)
        #expect(samples.allSatisfy { $0 <= 100 })
        #expect(pipeline.metrics.stateSize == 0)
    }
}

/// Discards what it is given.
final class BlackholeSink: SinkWriter {
    func write(_ batch: RowBatch) throws {}
    func flush() throws {}
    func close() throws {}
}
