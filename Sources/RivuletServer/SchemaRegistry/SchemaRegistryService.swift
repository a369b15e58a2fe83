import Foundation
import Hummingbird
public import Logging
import NIOCore
import Synchronization

/// A Schema Registry over HTTP, following Confluent's documented REST API: enough of it for the
/// Kafka formats that keep their schemas there (ksqlDB's AVRO, JSON_SR, PROTOBUF) and for
/// Confluent's client serializers. State lives in memory (`SchemaRegistryStore`).
public final class SchemaRegistryService: Sendable {
    private let host: String
    private let port: Int
    private let logger: Logger
    private let store = Mutex(SchemaRegistryStore())

    static let contentType = "application/vnd.schemaregistry.v1+json"

    public init(host: String, port: Int, logger: Logger) {
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// Binds, reports the bound port, and serves until the task is cancelled.
    public func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let port = port
        let app = Application(
            router: makeRouter(), server: .http1(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.run()
    }

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/") { _, _ in Self.json([String: String]()) }
        router.get("/schemas/types") { _, _ in Self.json(SchemaRegistryStore.schemaTypes) }
        router.get("/subjects") { _, _ in Self.json(self.store.withLock { $0.subjectNames }) }
        router.get("/schemas/ids/:id") { _, context in
            let id = try Self.id(context)
            return try self.answer { store throws(SchemaRegistryStore.Failure) in Self.schemaDocument(try store.schema(id: id)) }
        }
        router.get("/schemas/ids/:id/schema") { _, context in
            let id = try Self.id(context)
            return try self.answer { store throws(SchemaRegistryStore.Failure) in try store.schema(id: id).text }
        }
        router.get("/schemas/ids/:id/versions") { _, context in
            let id = try Self.id(context)
            return try self.answer { store throws(SchemaRegistryStore.Failure) in
                _ = try store.schema(id: id)
                return store.usages(of: id).map { ["subject": $0.subject, "version": $0.version] as [String: Any] }
            }
        }
        router.get("/subjects/:subject/versions") { _, context in
            let subject = try context.parameters.require("subject")
            return try self.answer { store throws(SchemaRegistryStore.Failure) in try store.versions(of: subject).map(\.version) }
        }
        router.get("/subjects/:subject/versions/:version") { _, context in
            let subject = try context.parameters.require("subject")
            let version = try context.parameters.require("version")
            return try self.answer { store throws(SchemaRegistryStore.Failure) in
                try Self.versionDocument(subject: subject, try store.version(version, of: subject), store: store)
            }
        }
        router.get("/subjects/:subject/versions/:version/schema") { _, context in
            let subject = try context.parameters.require("subject")
            let version = try context.parameters.require("version")
            return try self.answer { store throws(SchemaRegistryStore.Failure) in
                try store.schema(id: try store.version(version, of: subject).id).text
            }
        }
        router.post("/subjects/:subject/versions") { request, context in
            let subject = try context.parameters.require("subject")
            let (schema, id) = try await Self.schemaBody(request, context: context)
            return try self.answer { store throws(SchemaRegistryStore.Failure) in ["id": try store.register(schema, subject: subject, id: id)] }
        }
        router.post("/subjects/:subject") { request, context in
            let subject = try context.parameters.require("subject")
            let (schema, _) = try await Self.schemaBody(request, context: context)
            return try self.answer { store throws(SchemaRegistryStore.Failure) in
                try Self.versionDocument(subject: subject, try store.lookUp(schema, subject: subject), store: store)
            }
        }
        router.delete("/subjects/:subject") { _, context in
            let subject = try context.parameters.require("subject")
            return try self.answer { store throws(SchemaRegistryStore.Failure) in try store.delete(subject: subject) }
        }
        router.delete("/subjects/:subject/versions/:version") { _, context in
            let subject = try context.parameters.require("subject")
            let version = try context.parameters.require("version")
            return try self.answer { store throws(SchemaRegistryStore.Failure) in try store.delete(version: version, of: subject) }
        }
        router.get("/config") { _, _ in Self.json(["compatibilityLevel": self.store.withLock { $0.compatibility }]) }
        router.put("/config") { request, context in
            let level = try await Self.compatibilityBody(request, context: context)
            self.store.withLock { $0.compatibility = level }
            return Self.json(["compatibility": level])
        }
        router.get("/config/:subject") { _, context in
            let subject = try context.parameters.require("subject")
            return try self.answer { store throws(SchemaRegistryStore.Failure) in
                guard let level = store.subjectCompatibility[subject] else {
                    throw SchemaRegistryStore.Failure(status: 404, code: 40408, message: "Subject '\(subject)' does not have subject-level compatibility configured")
                }
                return ["compatibilityLevel": level]
            }
        }
        router.put("/config/:subject") { request, context in
            let subject = try context.parameters.require("subject")
            let level = try await Self.compatibilityBody(request, context: context)
            self.store.withLock { $0.subjectCompatibility[subject] = level }
            return Self.json(["compatibility": level])
        }
        router.get("/mode") { _, _ in Self.json(["mode": self.store.withLock { $0.mode }]) }
        router.put("/mode") { request, context in
            let body = try await Self.body(request, context: context)
            guard let mode = body["mode"] as? String, ["READWRITE", "READONLY", "IMPORT"].contains(mode) else {
                return Self.failure(SchemaRegistryStore.Failure(status: 422, code: 42204, message: "Invalid mode"))
            }
            self.store.withLock { $0.mode = mode }
            return Self.json(["mode": mode])
        }
        return router
    }

    /// Runs `body` on the store; its result as JSON, or its failure as the registry's error document.
    private func answer(_ body: (inout SchemaRegistryStore) throws(SchemaRegistryStore.Failure) -> Any) throws -> Response {
        let result = store.withLock { store -> Result<Any, SchemaRegistryStore.Failure> in
            do throws(SchemaRegistryStore.Failure) { return .success(try body(&store)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let value): return Self.json(value)
        case .failure(let failure): return Self.failure(failure)
        }
    }

    private static func id(_ context: BasicRequestContext) throws -> Int {
        guard let id = Int(try context.parameters.require("id")) else { throw HTTPError(.notFound) }
        return id
    }

    private static func schemaDocument(_ schema: SchemaRegistryStore.Schema) -> [String: Any] {
        var document: [String: Any] = ["schema": schema.text]
        // Confluent leaves out the type of AVRO schemas, its default.
        if schema.type != "AVRO" { document["schemaType"] = schema.type }
        if !schema.references.isEmpty { document["references"] = schema.references }
        return document
    }

    private static func versionDocument(subject: String, _ version: SchemaRegistryStore.Version, store: SchemaRegistryStore) throws(SchemaRegistryStore.Failure) -> [String: Any] {
        var document = schemaDocument(try store.schema(id: version.id))
        document["subject"] = subject
        document["version"] = version.version
        document["id"] = version.id
        return document
    }

    private static func body(_ request: Request, context: BasicRequestContext) async throws -> [String: Any] {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 << 20)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
            throw HTTPError(.unprocessableContent, message: "expected a JSON object")
        }
        return object
    }

    /// `{schema, schemaType?, references?, id?}`.
    private static func schemaBody(_ request: Request, context: BasicRequestContext) async throws -> (SchemaRegistryStore.Schema, Int?) {
        let body = try await body(request, context: context)
        guard let text = body["schema"] as? String else {
            throw HTTPError(.unprocessableContent, message: "Invalid schema: the body has no 'schema'")
        }
        let references = (body["references"] as? [[String: Any]] ?? []).map { reference in
            reference.mapValues { "\($0)" }
        }
        let id = (body["id"] as? Int).flatMap { $0 > 0 ? $0 : nil }
        return (SchemaRegistryStore.Schema(text: text, type: (body["schemaType"] as? String ?? "AVRO").uppercased(), references: references), id)
    }

    private static func compatibilityBody(_ request: Request, context: BasicRequestContext) async throws -> String {
        let body = try await body(request, context: context)
        let levels = ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"]
        guard let level = (body["compatibility"] as? String)?.uppercased(), levels.contains(level) else {
            throw HTTPError(.unprocessableContent, message: "Invalid compatibility level")
        }
        return level
    }

    static func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func failure(_ failure: SchemaRegistryStore.Failure) -> Response {
        json(["error_code": failure.code, "message": failure.message], status: HTTPResponse.Status(code: failure.status))
    }
}
