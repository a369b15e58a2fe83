import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RivuletCore
import Synchronization

/// The session setting naming the Schema Registry of the `AVRO`, `JSON_SR` and `PROTOBUF` formats.
public enum SchemaRegistrySetting {
    /// ksqlDB's name for it.
    public static let key = "ksql.schema.registry.url"
}

/// One schema as a Schema Registry holds it.
struct RegisteredSchema: Sendable, Hashable {
    var id: Int
    var text: String
    /// `AVRO` (the registry's default when it names none), `JSON` or `PROTOBUF`.
    var type: String
}

/// A client of a Confluent Schema Registry's REST API: looks schemas up by id (each fetched
/// once, then cached: an id's schema never changes), registers schemas under subjects, reads a
/// subject's latest version. Calls block the caller: they happen when a query starts and when a
/// record names a schema id not seen before.
final class SchemaRegistryClient: Sendable {
    let url: String
    private let byID = Mutex<[Int: RegisteredSchema]>([:])

    private static let clients = Mutex<[String: SchemaRegistryClient]>([:])

    /// The client of the registry at `url`, shared by every reader and writer of the process.
    static func shared(url: String) -> SchemaRegistryClient {
        let url = url.hasSuffix("/") ? String(url.dropLast()) : url
        return clients.withLock { clients in
            if let client = clients[url] { return client }
            let client = SchemaRegistryClient(url: url)
            clients[url] = client
            return client
        }
    }

    private init(url: String) {
        self.url = url
    }

    func schema(id: Int) throws(SQLError) -> RegisteredSchema {
        if let cached = byID.withLock({ $0[id] }) { return cached }
        let body = try request("GET", "/schemas/ids/\(id)")
        guard let text = body["schema"] as? String else { throw unexpected("/schemas/ids/\(id)") }
        let schema = RegisteredSchema(id: id, text: text, type: body["schemaType"] as? String ?? "AVRO")
        byID.withLock { $0[id] = schema }
        return schema
    }

    /// Registers `text` under `subject` (the same schema again keeps its id) and returns its id.
    func register(subject: String, text: String, type: String) throws(SQLError) -> Int {
        var payload: [String: Any] = ["schema": text]
        if type != "AVRO" { payload["schemaType"] = type }
        let body = try request("POST", "/subjects/\(Self.escape(subject))/versions", payload)
        guard let id = body["id"] as? Int else { throw unexpected("/subjects/\(subject)/versions") }
        byID.withLock { $0[id] = RegisteredSchema(id: id, text: text, type: type) }
        return id
    }

    /// The latest version registered under `subject`, or nil when the subject has none.
    func latest(subject: String) throws(SQLError) -> RegisteredSchema? {
        let body: [String: Any]
        do {
            body = try request("GET", "/subjects/\(Self.escape(subject))/versions/latest")
        } catch where error.message.contains("404") {
            return nil
        }
        guard let id = body["id"] as? Int, let text = body["schema"] as? String else { throw unexpected("/subjects/\(subject)/versions/latest") }
        let schema = RegisteredSchema(id: id, text: text, type: body["schemaType"] as? String ?? "AVRO")
        byID.withLock { $0[id] = schema }
        return schema
    }

    private static func escape(_ subject: String) -> String {
        subject.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? subject
    }

    private func unexpected(_ path: String) -> SQLError {
        SQLError(.connectionFailure, "the schema registry at \(url) answered \(path) with an unexpected body")
    }

    /// One HTTP exchange, waited for; the JSON object the registry answered.
    private func request(_ method: String, _ path: String, _ payload: [String: Any]? = nil) throws(SQLError) -> [String: Any] {
        guard let endpoint = URL(string: url + path) else {
            throw SQLError(.invalidParameterValue, "'\(url)' is not a schema registry URL", hint: "e.g. http://localhost:8081")
        }
        var request = URLRequest(url: endpoint, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue("application/vnd.schemaregistry.v1+json", forHTTPHeaderField: "Accept")
        if let payload {
            request.setValue("application/vnd.schemaregistry.v1+json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try? JSONSerialization.data(withJSONObject: payload)
        }
        let exchange = Exchange()
        URLSession.shared.dataTask(with: request) { data, response, error in
            exchange.finish(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
        }.resume()
        let (data, status, error) = exchange.wait()
        if let error {
            throw SQLError(.connectionFailure, "the schema registry at \(url) cannot be reached: \(error.localizedDescription)",
                           hint: "start one with `rivulet dev schema-registry` and set 'ksql.schema.registry.url'")
        }
        let object = data.flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any] ?? [:]
        guard let status, (200..<300).contains(status) else {
            let message = object["message"] as? String ?? "no message"
            throw SQLError(.connectionFailure, "the schema registry at \(url) answered \(method) \(path) with \(status ?? 0): \(message)")
        }
        return object
    }

    /// The answer to one request, handed from URLSession's queue to the waiting caller.
    private final class Exchange: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data: Data?
        private var status: Int?
        private var error: (any Error)?

        func finish(data: Data?, status: Int?, error: (any Error)?) {
            self.data = data
            self.status = status
            self.error = error
            done.signal()
        }

        func wait() -> (Data?, Int?, (any Error)?) {
            done.wait()
            return (data, status, error)
        }
    }
}
