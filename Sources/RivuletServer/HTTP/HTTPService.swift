import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import RivuletPGWire
import Synchronization

/// The HTTP port, served by Hummingbird: `/healthz`, `/metrics` (Prometheus), the JSON API
/// under `/api/v1` (described by docs/api/openapi.yaml) and the web console at `/`. Every path
/// but `/healthz` asks for a user's name and password when the server has users.
///
/// `run` serves until `shutdown()` (or its task is cancelled); it also samples the queries'
/// counters every second for the console's rates.
final class HTTPService: Sendable {
    private let host: String
    private let port: Int
    private let tls: TLSConfiguration?
    private let api: ConsoleAPI
    private let verifiers: [String: SCRAMVerifier]?
    private let logger: Logger
    private let lifecycle = Mutex<Lifecycle>(.idle)

    private enum Lifecycle {
        case idle
        case running(Task<Void, any Error>)
        case shutDown
    }

    /// The largest statement text a request may send.
    static let maximumBody = 1 << 20

    init(host: String, port: Int, tls: TLSConfiguration?, api: ConsoleAPI, verifiers: [String: SCRAMVerifier]?, logger: Logger) {
        self.host = host
        self.port = port
        self.tls = tls
        self.api = api
        self.verifiers = verifiers
        self.logger = logger
    }

    /// Binds, reports the bound port, and serves until `shutdown()`.
    func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let port = port
        let server: HTTPServerBuilder = if let tls { try .tls(.http1(), tlsConfiguration: tls) } else { .http1() }
        let app = Application(
            router: makeRouter(), server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) }, logger: logger)
        let api = api
        let task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                group.addTask { await api.rates.sample(every: .seconds(1), from: api.manager) }
                // Either ends only when the other fails or the service is shut down.
                try await group.next()
                group.cancelAll()
            }
        }
        let started = lifecycle.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .running(task)
            return true
        }
        if !started { task.cancel() }
        do {
            try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        } catch {
            // Cancelling the application is how it stops (open push streams included); what
            // it throws then is no failure.
            let stopping = lifecycle.withLock { state in if case .shutDown = state { true } else { false } }
            if !stopping && !(error is CancellationError) { throw error }
        }
    }

    func shutdown() {
        let task = lifecycle.withLock { state -> Task<Void, any Error>? in
            defer { state = .shutDown }
            if case .running(let task) = state { return task }
            return nil
        }
        task?.cancel()
    }

    private func makeRouter() -> Router<ConsoleRequestContext> {
        let router = Router(context: ConsoleRequestContext.self)
        router.get("/healthz") { _, _ in Self.text("ok\n") }
        let protected = router.group().add(middleware: BasicAuthentication(verifiers: verifiers))
        let api = api
        protected.get("/metrics") { _, _ in
            Self.text(PrometheusMetrics.render(await api.manager.persistentQueries), contentType: PrometheusMetrics.contentType)
        }
        ConsoleAssets.add(to: protected)
        protected.get("/api/v1/queries") { _, _ in try Self.json(["queries": await api.queries()]) }
        protected.get("/api/v1/queries/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let detail = await api.query(id, user: context.user) else {
                return try Self.json(ErrorDocument(code: "42704", message: "no query '\(id)'"), status: .notFound)
            }
            return try Self.json(detail)
        }
        protected.get("/api/v1/catalog") { _, _ in try Self.json(await api.catalog()) }
        protected.post("/api/v1/statements") { request, context in
            let sql = try await Self.statementText(request)
            switch await api.execute(sql, user: context.user) {
            case .success(let document): return try Self.json(document, status: document.error == nil ? .ok : .badRequest)
            case .failure(let error): return try Self.json(StatementDocument(results: [], error: error), status: .badRequest)
            }
        }
        protected.post("/api/v1/push") { request, context in
            let sql = try await Self.statementText(request)
            guard ConsoleAPI.isPushQuery(sql) else {
                let error = ErrorDocument(code: "42601", message: "expected one SELECT ... EMIT CHANGES or EMIT FINAL; other statements go to /api/v1/statements")
                return try Self.json(StatementDocument(results: [], error: error), status: .badRequest)
            }
            let session = api.session(user: context.user)
            do {
                guard case .rows(let source) = try await session.execute(sql).first else {
                    await session.close()
                    throw ErrorDocument(code: "XX000", message: "the push query returned no rows")
                }
                return PushEventStream.response(session: session, source: source, sql: sql, logger: api.logger)
            } catch {
                await session.close()
                return try Self.json(StatementDocument(results: [], error: ConsoleAPI.errorDocument(error)), status: .badRequest)
            }
        }
        return router
    }

    /// The `sql` of a request's JSON body `{"sql": "..."}`.
    private static func statementText(_ request: Request) async throws -> String {
        struct Body: Decodable { var sql: String }
        var request = request
        let buffer = try await request.collectBody(upTo: maximumBody)
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView)) else {
            throw HTTPError(.badRequest, message: "expected a JSON body {\"sql\": \"...\"}")
        }
        return body.sql
    }

    static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
