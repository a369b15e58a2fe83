import RivuletCore
import RivuletPGWire

/// A cursor a session declared (`DECLARE c CURSOR FOR ...`): the query's rows, handed out as
/// `FETCH` asks for them. A push query's cursor waits for rows that have not arrived yet.
///
/// It moves as a Postgres cursor does: it stands before the first row, on a row, or after the
/// last row, and `FETCH` returns the rows it passes on the way. A cursor declared `SCROLL` keeps
/// every row it has read, so it also moves backwards and to any row; any other cursor keeps only
/// its current row and refuses to move back (55000, as Postgres does).
///
/// Used by its session only, one statement at a time (the `SQLSession` contract), which is
/// why it may be marked Sendable.
final class SessionCursor: @unchecked Sendable {
    let schema: Schema
    let scrollable: Bool
    private var batches: AsyncThrowingStream<[[Value]], any Error>.AsyncIterator
    private var pending: ArraySlice<[Value]> = []
    private var finished = false
    /// Rows read from the query: all of them when scrollable, else from the current row on.
    private var kept: [[Value]] = []
    /// The 1-based number of `kept`'s first row.
    private var keptStart = 1
    /// 0 before the first row, n on row n, one past the last row after it.
    private var position = 0

    init(_ source: RowSource, scrollable: Bool) {
        schema = source.schema
        self.scrollable = scrollable
        batches = source.batches.makeAsyncIterator()
    }

    /// Moves as `direction` says and returns the rows passed on the way (`FETCH`), in the order
    /// passed; `MOVE` counts them. A move past either end stops there.
    func fetch(_ direction: CursorDirection) async throws -> [[Value]] {
        defer { forgetPassedRows() }
        switch direction {
        case .forward(0), .backward(0), .relative(0):
            return try await current()
        case .forward(let count):
            var rows: [[Value]] = []
            while count.map({ rows.count < $0 }) ?? true {
                guard let row = try await row(position + 1) else {
                    position = read + 1
                    break
                }
                position += 1
                rows.append(row)
            }
            return rows
        case .backward(let count):
            try requireScroll()
            var rows: [[Value]] = []
            while count.map({ rows.count < $0 }) ?? true {
                guard position > 1 else {
                    position = 0
                    break
                }
                position -= 1
                rows.append(kept[position - keptStart])
            }
            return rows
        case .absolute(let number) where number > 0:
            return try await go(to: number)
        case .absolute(let number):
            try requireScroll()
            // From the end: -1 is the last row; 0, or before the first row, stands before it.
            let target = number == 0 ? 0 : try await readAll() + 1 + number
            guard target >= 1 else {
                position = 0
                return []
            }
            return try await go(to: target)
        case .relative(let offset):
            let target = position + offset
            guard target >= 1 else {
                try requireScroll()
                position = 0
                return []
            }
            return try await go(to: target)
        }
    }

    /// Row `number` (1 or more), standing on it; past the last row, standing after it.
    private func go(to number: Int) async throws -> [[Value]] {
        if number < position { try requireScroll() }
        guard let row = try await row(number) else {
            position = read + 1
            return []
        }
        position = number
        return [row]
    }

    private func current() async throws -> [[Value]] {
        guard position >= 1, let row = try await row(position) else { return [] }
        return [row]
    }

    private func requireScroll() throws {
        guard !scrollable else { return }
        throw SQLError(
            .objectNotInPrerequisiteState, "cursor can only scan forward",
            hint: "Declare it with SCROLL option to enable backward scan.")
    }

    /// How many rows have been read from the query.
    private var read: Int { keptStart - 1 + kept.count }

    /// Row `number`, reading from the query up to it; nil when the query has fewer rows.
    private func row(_ number: Int) async throws -> [Value]? {
        while read < number {
            guard let row = try await nextFromQuery() else { return nil }
            kept.append(row)
        }
        return number >= keptStart ? kept[number - keptStart] : nil
    }

    /// Reads every remaining row and returns how many rows the query has.
    private func readAll() async throws -> Int {
        while let row = try await nextFromQuery() { kept.append(row) }
        return read
    }

    private func nextFromQuery() async throws -> [Value]? {
        while pending.isEmpty {
            if finished { return nil }
            guard let batch = try await batches.next() else {
                finished = true
                return nil
            }
            pending = batch[...]
        }
        return pending.popFirst()
    }

    /// A forward-only cursor keeps no row before its current one.
    private func forgetPassedRows() {
        guard !scrollable else { return }
        let passed = min(max(0, position - keptStart), kept.count)
        kept.removeFirst(passed)
        keptStart += passed
    }
}
