import RivuletCore
import RivuletPGWire
import Synchronization

/// A stand-in for the engine: answers a handful of fixed statements so the wire layer can be
/// driven end to end. Statements are split on `;` (no quoting), and errors carry spans
/// relative to the whole query string, as the engine's do.
///
/// - `SELECT 1` → one INT column `one`.
/// - `ROWS n` → n rows of (INT, VARCHAR, BOOLEAN, TIMESTAMP(3), DOUBLE, DECIMAL(10,2), DATE, NULL).
/// - `PUSH` → an endless row stream (one row every 5 ms) until cancelled.
/// - `CREATE ...` → `CREATE STREAM`; `INSERT ...` → `INSERT 0 3`; `SET ...` → `SET`;
///   `BEGIN`, `COMMIT`, `ROLLBACK` → their own tags.
/// - anything containing `FORM` → 42601 at that word; anything else → 42601 at the statement.
final class CannedSession: SQLSession {
    private let pushCancelled = Mutex<(@Sendable () -> Void)?>(nil)
    let events: AsyncStream<String>
    private let eventSink: AsyncStream<String>.Continuation

    init() {
        (events, eventSink) = AsyncStream.makeStream(of: String.self)
    }

    static let rowsSchema = Schema([
        Field("id", .integer), Field("name", .varchar), Field("flag", .boolean), Field("ts", .timestamp3),
        Field("ratio", .double), Field("price", .decimal(precision: 10, scale: 2)), Field("day", .date),
        Field("missing", .varchar),
    ])

    static func row(_ i: Int) -> [Value] {
        [
            .int(Int64(i)), .string("name \(i)"), .boolean(i % 2 == 1),
            .timestamp(1_704_067_200_000 + Int64(i) * 1_500), .double(Double(i) + 0.5),
            .decimal(unscaled: Int128(i) * 100 + 5, scale: 2), .date(19_723 + Int64(i)), .null,
        ]
    }

    func execute(_ sql: String) async throws -> [StatementOutcome] {
        var outcomes: [StatementOutcome] = []
        var offset = 0
        for piece in sql.split(separator: ";", omittingEmptySubsequences: false) {
            defer { offset += piece.count + 1 }
            let leading = piece.prefix { $0 == " " || $0 == "\n" }.count
            let text = piece.trimmingSpaces()
            if text.isEmpty { continue }
            do {
                outcomes.append(try outcome(for: text, at: offset + leading, whole: sql))
            } catch let error as SQLError {
                outcomes.append(.failed(error))
                break
            }
        }
        return outcomes
    }

    func describe(_ sql: String, parameterTypes: [Int: SQLType]) async throws -> StatementDescription {
        StatementDescription(parameterTypes: parameterTypes, columns: try columns(of: sql))
    }

    private func columns(of sql: String) throws -> Schema? {
        let text = Substring(sql).trimmingSpaces().uppercased()
        if text.hasPrefix("SELECT 1") { return Schema([Field("one", .integer)]) }
        if text.hasPrefix("ROWS") || text.hasPrefix("PUSH") { return Self.rowsSchema }
        if text.hasPrefix("COUNT") { return Schema([Field("value", .varchar)]) }
        if ["CREATE", "INSERT", "SET", "BEGIN", "COMMIT", "ROLLBACK"].contains(where: text.hasPrefix) { return nil }
        throw SQLError.syntax("unknown statement", at: Self.span(0, sql))
    }

    func cancel() {
        let stop = pushCancelled.withLock { stop in
            defer { stop = nil }
            return stop
        }
        stop?()
        eventSink.yield("cancel")
    }

    private func outcome(for text: String, at offset: Int, whole: String) throws -> StatementOutcome {
        let upper = text.uppercased()
        if let range = upper.range(of: "FORM") {
            let column = upper.distance(from: upper.startIndex, to: range.lowerBound)
            throw SQLError.expected("FROM", found: "FORM", at: Self.span(offset + column, whole, length: 4))
        }
        if upper == "SELECT 1" {
            return .rows(RowSource(schema: Schema([Field("one", .integer)]), rows: [[.int(1)]]))
        }
        if upper.hasPrefix("ROWS ") {
            let count = Int(upper.dropFirst(5).trimmingSpaces()) ?? 0
            let rows = (1...max(count, 1)).prefix(count).map(Self.row)
            // Several batches, to exercise batch boundaries.
            let batches = stride(from: 0, to: rows.count, by: 7).map { Array(rows[$0..<min($0 + 7, rows.count)]) }
            return .rows(
                RowSource(
                    schema: Self.rowsSchema,
                    batches: AsyncThrowingStream { continuation in
                        for batch in batches { continuation.yield(batch) }
                        continuation.finish()
                    }))
        }
        if upper.hasPrefix("COUNT ") {
            let value = upper.dropFirst(6).trimmingSpaces()
            return .rows(RowSource(schema: Schema([Field("value", .varchar)]), rows: [[.string(value)]]))
        }
        if upper == "PUSH" { return .rows(RowSource(schema: Self.rowsSchema, batches: pushStream())) }
        if upper.hasPrefix("CREATE") { return .command(tag: "CREATE STREAM") }
        if upper.hasPrefix("INSERT") { return .command(tag: "INSERT 0 3") }
        if upper.hasPrefix("SET") { return .command(tag: "SET") }
        if upper == "BEGIN" || upper == "COMMIT" || upper == "ROLLBACK" { return .command(tag: upper) }
        throw SQLError.syntax("unknown statement", at: Self.span(offset, whole))
    }

    private func pushStream() -> AsyncThrowingStream<[[Value]], any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [[Value]].self, bufferingPolicy: .bufferingNewest(4))
        let producer = Task {
            var i = 0
            while !Task.isCancelled {
                i += 1
                continuation.yield([Self.row(i)])
                // The pace of an endless push query's rows, not a wait for anything.
                try? await Task.sleep(for: .milliseconds(5))
            }
            continuation.finish()
        }
        pushCancelled.withLock { $0 = { producer.cancel() } }
        continuation.onTermination = { _ in producer.cancel() }
        eventSink.yield("push started")
        return stream
    }

    static func span(_ offset: Int, _ text: String, length: Int = 1) -> SourceSpan {
        let before = text.prefix(offset)
        let line = before.filter { $0 == "\n" }.count + 1
        let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
        return SourceSpan(
            start: SourceLocation(line: line, column: column, offset: offset),
            end: SourceLocation(line: line, column: column + length, offset: offset + length))
    }
}

/// Hands every connection a new `CannedSession` and remembers them.
final class CannedSessionProvider: SQLSessionProvider {
    let sessions = Mutex<[CannedSession]>([])

    func makeSession(for startup: SessionStartup) async throws -> any SQLSession {
        if startup.database == "missing" {
            throw SQLError(SQLState("3D000"), "database \"missing\" does not exist")
        }
        let session = CannedSession()
        sessions.withLock { $0.append(session) }
        return session
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }
}
