import Benchmark
import Foundation
import RivuletConnectors
import RivuletCore
import RivuletEngine
import RivuletPlanner
import RivuletRuntime

/// Hot kernels of the engine, each over the bids of 200,000 generated Nexmark events (184,000
/// rows) held in memory, so the figures exclude generating and sinking:
///
/// - CSV decode: the file source decoding those bids from a CSV file (in the page cache);
/// - expression filter / projection: q2's `MOD(auction, 123) = 0` and q1's `0.908 * price`;
/// - hash aggregation: `COUNT(*), MAX(price) GROUP BY auction` (a changelog per key);
/// - window assignment and aggregation: TUMBLE 10 s, and HOP 10 s / 2 s, per auction.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1, scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 20)

    Benchmark("CSV decode, 184 K bids") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Kernels.shared.decodeCSV())
        }
    }
    for (name, sql) in Kernels.queries {
        Benchmark(name) { benchmark in
            let plan = try Kernels.shared.plan(sql)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try Kernels.shared.run(plan))
            }
        }
    }
}

/// What every benchmark shares: the bids in memory and in a CSV file, and the SQL → plan path.
final class Kernels: @unchecked Sendable {
    static let shared = try! Kernels()

    static let events = 200_000

    static let bidTable = """
        CREATE TABLE bid (
          auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR,
          WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
        ) WITH ('connector' = 'nexmark', 'kind' = 'bid', 'events' = '\(events)', 'rate' = '1000');
        """

    static let queries: [(String, String)] = [
        ("Expression filter MOD(auction, 123) = 0",
         "SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0"),
        ("Expression projection 0.908 * price",
         "SELECT auction, bidder, 0.908 * price AS price, `dateTime` FROM bid"),
        ("Hash aggregation COUNT, MAX GROUP BY auction",
         "SELECT auction, COUNT(*) AS n, MAX(price) AS top FROM bid GROUP BY auction"),
        ("Window TUMBLE 10 s per auction",
         """
         SELECT auction, window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
         GROUP BY auction, window_start, window_end
         """),
        ("Window HOP 10 s / 2 s per auction",
         """
         SELECT auction, window_start, COUNT(*) AS n
         FROM TABLE(HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
         GROUP BY auction, window_start, window_end
         """),
    ]

    let folder: URL
    /// Every bid column, 8192 rows a batch.
    let bids: [RowBatch]
    let csvScan: StreamPlan.Scan
    let context: ConnectorContext

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-micro-\(getpid())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("bid"), withIntermediateDirectories: true)
        context = ConnectorContext(workingDirectory: folder.path, dataDirectory: folder.path, badRecords: BadRecordLog())

        // The bids, generated once.
        let all = try Self.plan(Self.bidTable + "\nSELECT * FROM bid;")
        let scan = Self.scan(of: all)
        let generator = try NexmarkConnector().makeSource(scan.relation, columns: scan.columns, context: context)
        var batches: [RowBatch] = []
        while let batch = try generator.nextBatch(maxRows: 8192) { batches.append(batch) }
        bids = batches

        // The same bids as CSV, through the file sink.
        let engine = Engine(configuration: EngineConfiguration(workingDirectory: folder.path, dataDirectory: folder.path))
        for result in try engine.execute(script: Self.bidTable + """
            CREATE TABLE bid_csv (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR)
            WITH ('connector' = 'filesystem', 'path' = 'bid', 'format' = 'csv');
            INSERT INTO bid_csv SELECT * FROM bid;
            """) {
            if case .query(let query) = result { _ = try engine.run(query) }
            if case .persistentQuery(let query) = result { _ = try engine.run(query) }
        }
        let csv = try Self.plan("""
            CREATE TABLE bid (
              auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR
            ) WITH ('connector' = 'filesystem', 'path' = '\(folder.appendingPathComponent("bid").path)', 'format' = 'csv');
            SELECT * FROM bid;
            """)
        csvScan = Self.scan(of: csv)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Reads every bid of the CSV file; returns the rows read.
    func decodeCSV() throws -> Int {
        let reader = try FileConnector().makeSource(csvScan.relation, columns: csvScan.columns, context: context)
        var rows = 0
        while let batch = try reader.nextBatch(maxRows: 8192) { rows += batch.count }
        return rows
    }

    /// `query` over the bid table, planned as `rivulet run` plans it.
    func plan(_ query: String) throws -> StreamPlan {
        try Self.plan(Self.bidTable + "\n" + query + ";")
    }

    static func plan(_ script: String) throws -> StreamPlan {
        let engine = Engine(configuration: EngineConfiguration(workingDirectory: "/tmp", dataDirectory: "/tmp"))
        var plan: StreamPlan?
        for result in try engine.execute(script: script) {
            if case .query(let query) = result { plan = query.query.plan }
        }
        guard let plan else { throw SQLError.internal("the script has no query") }
        return plan
    }

    /// The plan's one scan (read off the pipeline as it opens its source).
    static func scan(of plan: StreamPlan) -> StreamPlan.Scan {
        var found: StreamPlan.Scan?
        _ = try? QueryPipeline(plan: plan, openSource: { scan in
            found = scan
            return BatchSource([])
        }, sink: BlackholeSink())
        return found!
    }

    /// Runs `plan` over the bids in memory (only the columns its scan reads) into a blackhole;
    /// returns the rows written.
    func run(_ plan: StreamPlan) throws -> Int {
        let sink = BlackholeSink()
        let pipeline = try QueryPipeline(plan: plan, openSource: { scan in
            BatchSource(self.bids.map { batch in
                RowBatch(columns: scan.columns.map { batch.columns[$0] }, count: batch.count)
            })
        }, sink: sink)
        try pipeline.runToCompletion()
        return sink.rowCount
    }
}

/// Hands out batches held in memory.
final class BatchSource: SourceReader {
    private var batches: [RowBatch]
    private var next = 0

    init(_ batches: [RowBatch]) { self.batches = batches }

    func nextBatch(maxRows: Int) throws -> RowBatch? {
        guard next < batches.count else { return nil }
        defer { next += 1 }
        return batches[next]
    }
}
