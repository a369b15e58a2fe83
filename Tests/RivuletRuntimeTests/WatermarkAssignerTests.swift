import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct WatermarkAssignerTests {
    @Test func arrivalWatermarkIsTheWatermarkBeforeEachRow() throws {
        let assigner = WatermarkAssigner(spec: WatermarkSpec(column: 0, delayMillis: 4))
        var batch = RowBatch(types: [.timestamp3])
        for ts: Int64 in [10, 20, 15, 30] { batch.appendRow([.timestamp(ts)]) }
        var out = Collector()
        try assigner.process(batch, port: 0, into: &out)
        let result = out.drain()
        #expect(result.count == 1)
        #expect(result[0].arrivalWatermarks == [Watermark.none, 6, 16, 16])
        #expect(assigner.watermark == 26)
    }

    @Test func nullEventTimesAreCountedAndDropped() throws {
        let log = BadRecordLog()
        let assigner = WatermarkAssigner(spec: WatermarkSpec(column: 1, delayMillis: 0), sourceName: "bids", badRecordLog: log)
        var batch = RowBatch(types: [.bigint, .timestamp3])
        batch.appendRow([.int(1), .timestamp(5)])
        batch.appendRow([.int(2), .null])
        batch.appendRow([.int(3), .timestamp(7)])
        var out = Collector()
        try assigner.process(batch, port: 0, into: &out)
        let result = out.drain()[0]
        #expect(render(result, types: [.bigint, .bigint]) == ["+I 1,5", "+I 3,7"])
        #expect(result.arrivalWatermarks == [Watermark.none, 5])
        #expect(assigner.badRecords == 1)
        #expect(log.count == 1)
        #expect(log.entries.first?.source == "bids")
    }
}
