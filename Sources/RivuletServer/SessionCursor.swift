import RivuletCore
import RivuletPGWire

/// A cursor a session declared (`DECLARE c CURSOR FOR ...`): the query's rows, handed out as
/// `FETCH` asks for them. A push query's cursor waits for rows that have not arrived yet.
///
/// Used by its session only, one statement at a time (the `SQLSession` contract), which is
/// why it may be marked Sendable.
final class SessionCursor: @unchecked Sendable {
    let schema: Schema
    private var batches: AsyncThrowingStream<[[Value]], any Error>.AsyncIterator
    private var pending: ArraySlice<[Value]> = []
    private var finished = false

    init(_ source: RowSource) {
        schema = source.schema
        batches = source.batches.makeAsyncIterator()
    }

    /// The next `count` rows (every remaining row for nil); fewer once the query has ended.
    func fetch(_ count: Int?) async throws -> [[Value]] {
        var rows: [[Value]] = []
        while count.map({ rows.count < $0 }) ?? true {
            if pending.isEmpty {
                if finished { break }
                guard let batch = try await batches.next() else {
                    finished = true
                    break
                }
                pending = batch[...]
                continue
            }
            let take = count.map { min($0 - rows.count, pending.count) } ?? pending.count
            rows += pending.prefix(take)
            pending = pending.dropFirst(take)
        }
        return rows
    }
}
