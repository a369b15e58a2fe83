import RivuletCore
import RivuletEngine
import RivuletPlanner
import RivuletRuntime

/// Runs one SELECT for a client and hands its rows out batch by batch, as the wire layer asks.
///
/// A push query (`EMIT CHANGES`) follows its sources: rows appended later flow through, and
/// rows are handed out as soon as they are produced, until `LIMIT` rows were sent, the client
/// cancels, or every source ended. A changelog result carries its change kind in a first
/// column `op` (`+I`, `-U`, `+U`, `-D`). Any other SELECT reads its sources as they are when it
/// starts (a pull query), runs to the end and returns its final rows (the changelog applied,
/// then ORDER BY and LIMIT).
///
/// The sources are opened when the cursor is made, so a SELECT sees what the statements before
/// it wrote. The pipeline is driven only from `next()`, which the row stream's single consumer
/// calls one call at a time; that confinement is why the class may be marked Sendable.
final class SelectCursor: @unchecked Sendable {
    /// Rows per batch handed to the wire layer for a finished result.
    private static let chunk = 1000

    private let run: QueryRun
    private let query: BoundQuery
    private let push: Bool
    private let withChangeKind: Bool
    private let cancel: CancelFlag
    /// Rows still allowed by LIMIT (push queries).
    private var remaining: Int?
    private var runDone = false
    private var finalRows: ArraySlice<[Value]>?

    init(_ prepared: PreparedQuery, connectors: QueryConnectors, settings: Settings, cancel: CancelFlag) throws {
        query = prepared.query
        push = prepared.query.isPush
        withChangeKind = push && !prepared.query.plan.appendOnly
        remaining = push ? prepared.query.limit : nil
        self.cancel = cancel
        var options = QueryRun.Options()
        options.follow = push
        options.readAhead = true
        options.sessionOptions = settings.values
        run = try QueryRun(prepared, connectors: connectors, options: options)
    }

    /// The columns a SELECT returns to the client.
    static func schema(for query: BoundQuery) -> Schema {
        guard query.emitChanges, !query.plan.appendOnly else { return query.schema }
        return Schema([Field("op", .varchar, nullable: false)] + query.schema.fields)
    }

    /// The one-row answer of a statement that starts a persistent query.
    static let startedSchema = Schema([Field("query_id", .varchar, nullable: false)])

    var schema: Schema { Self.schema(for: query) }

    /// The next rows; nil once the result is complete or cancelled.
    func next() async throws -> [[Value]]? {
        push ? try await nextChanges() : try await nextFinalRows()
    }

    private func nextChanges() async throws -> [[Value]]? {
        while true {
            if try cancel.shouldStop() || remaining == 0 { return nil }
            let (rows, kinds) = run.takeRows()
            if !rows.isEmpty {
                var batch = withChangeKind ? zip(rows, kinds).map { [.string($0.1.description)] + $0.0 } : rows
                if let limit = remaining {
                    if batch.count > limit { batch.removeLast(batch.count - limit) }
                    remaining = limit - batch.count
                }
                return batch
            }
            if runDone { return nil }
            try await advance()
        }
    }

    private func nextFinalRows() async throws -> [[Value]]? {
        if finalRows == nil {
            while !runDone {
                if try cancel.shouldStop() { return nil }
                try await advance()
            }
            finalRows = run.result(applyingChanges: true).rows[...]
        }
        guard try !cancel.shouldStop(), let rows = finalRows, !rows.isEmpty else { return nil }
        let batch = rows.prefix(Self.chunk)
        finalRows = rows.dropFirst(batch.count)
        return Array(batch)
    }

    /// One step of the run; pauses briefly when the sources had nothing new.
    private func advance() async throws {
        switch try run.step() {
        case .finished: runDone = true
        case .idle: try await Task.sleep(for: QueryManager.idlePause)
        case .progressed: await Task.yield()
        }
    }
}
