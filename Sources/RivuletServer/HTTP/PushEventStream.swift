import AsyncAlgorithms
import Foundation
import Hummingbird
import Logging
import NIOCore
import RivuletCore
import RivuletPGWire

/// A push query's rows as Server-Sent Events: `columns` once, then `rows` for each batch as the
/// query produces it, then `end` (its LIMIT was reached or its sources ended) or `error`.
///
/// The query stops when the client goes away: a comment is written every second, and the
/// write that fails cancels it (a client that waits for rows writes nothing to notice by).
/// The rows reach the writer through a channel without a buffer, so a slow client slows the query.
enum PushEventStream {
    private enum Event: Sendable {
        case rows([[Value]])
        case end
        case failed(ErrorDocument)
        case keepAlive
    }

    private struct Columns: Encodable { var columns: [StatementDocument.Column] }
    private struct Rows: Encodable { var rows: [[String?]] }
    private struct End: Encodable { var rows: Int }
    private struct Failure: Encodable { var error: ErrorDocument }

    static let keepAliveInterval: Duration = .seconds(1)

    /// `logger` gets a debug record when the stream starts and when it ends, with why.
    static func response(session: EngineSession, source: RowSource, sql: String, logger: Logger) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                logger.debug("push query started", metadata: ["sql": "\(sql)"])
                do {
                    let (rows, ending) = try await stream(source, of: session, to: &writer)
                    logger.debug("push query ended", metadata: ["rows": "\(rows)", "reason": "\(ending)"])
                } catch {
                    logger.debug("push query ended", metadata: ["reason": "the client went away (\(error))"])
                    throw error
                }
                try await writer.finish(nil)
            })
    }

    /// Streams until the query ends; returns the rows sent and how it ended.
    private static func stream(
        _ source: RowSource, of session: EngineSession, to writer: inout any ResponseBodyWriter
    ) async throws -> (rows: Int, ending: String) {
        let events = AsyncChannel<Event>()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await batch in source.batches { await events.send(.rows(batch)) }
                    await events.send(.end)
                } catch {
                    await events.send(.failed(ConsoleAPI.errorDocument(error)))
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: keepAliveInterval)
                    await events.send(.keepAlive)
                }
            }
            func stop() async {
                session.cancel()
                events.finish()
                group.cancelAll()
                await session.close()
            }
            var sent = 0
            var ending = "the server stopped"
            do {
                try await writer.write(event("columns", Columns(columns: ConsoleAPI.columns(source.schema))))
                loop: for await event in events {
                    switch event {
                    case .rows(let rows):
                        sent += rows.count
                        try await writer.write(Self.event("rows", Rows(rows: rows.map { $0.map(\.pgText) })))
                    case .keepAlive:
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    case .end:
                        try await writer.write(Self.event("end", End(rows: sent)))
                        ending = "its limit was reached or its sources ended"
                        break loop
                    case .failed(let error):
                        try await writer.write(Self.event("error", Failure(error: error)))
                        ending = "it failed: \(error.message)"
                        break loop
                    }
                }
            } catch {
                await stop()
                throw error
            }
            await stop()
            return (sent, ending)
        }
    }

    /// One event: its name and a line of JSON.
    private static func event(_ name: String, _ payload: some Encodable) throws -> ByteBuffer {
        let json = try JSONEncoder().encode(payload)
        return ByteBuffer(string: "event: \(name)\ndata: \(String(decoding: json, as: UTF8.self))\n\n")
    }
}
