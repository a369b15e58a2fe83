import Foundation

/// The state of a Schema Registry, in memory: schemas by id (one id per distinct schema, shared
/// by every subject registering it), each subject's versions, and the compatibility settings,
/// which are kept and reported but not enforced. The rules are Confluent's documented ones.
struct SchemaRegistryStore: Sendable {
    struct Schema: Sendable, Equatable {
        /// The text as it was registered.
        var text: String
        /// `AVRO`, `JSON` or `PROTOBUF`.
        var type: String
        /// The references as the client sent them (`name`, `subject`, `version`), kept as JSON.
        var references: [[String: String]]
    }

    /// The registered schemas with their texts in canonical form (`canonical(_:)`), to find a schema again.
    private var canonicalSchemas: [Int: Schema] = [:]

    struct Version: Sendable, Equatable {
        var version: Int
        var id: Int
    }

    /// An error as the registry reports it: the HTTP status and Confluent's `error_code`.
    struct Failure: Error, Equatable {
        var status: Int
        var code: Int
        var message: String

        static func subjectNotFound(_ subject: String) -> Failure { Failure(status: 404, code: 40401, message: "Subject '\(subject)' not found.") }
        static func versionNotFound(_ version: String) -> Failure { Failure(status: 404, code: 40402, message: "Version \(version) not found.") }
        static func schemaNotFound(_ id: Int) -> Failure { Failure(status: 404, code: 40403, message: "Schema \(id) not found") }
        static func schemaNotFoundInSubject() -> Failure { Failure(status: 404, code: 40403, message: "Schema not found") }
        static func invalidSchema(_ reason: String) -> Failure { Failure(status: 422, code: 42201, message: "Invalid schema: \(reason)") }
        static func invalidVersion(_ text: String) -> Failure {
            Failure(status: 422, code: 42202, message: "The specified version '\(text)' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"")
        }
        static func idInUse(_ id: Int) -> Failure {
            Failure(status: 422, code: 42205, message: "Overwrite new schema with id \(id) is not permitted.")
        }
    }

    static let schemaTypes = ["AVRO", "JSON", "PROTOBUF"]

    private(set) var schemas: [Int: Schema] = [:]
    private var subjects: [String: [Version]] = [:]
    private var nextID = 1
    var compatibility = "BACKWARD"
    var subjectCompatibility: [String: String] = [:]
    var mode = "READWRITE"

    init() {}

    var subjectNames: [String] { subjects.filter { !$0.value.isEmpty }.keys.sorted() }

    func versions(of subject: String) throws(Failure) -> [Version] {
        guard let versions = subjects[subject], !versions.isEmpty else { throw .subjectNotFound(subject) }
        return versions
    }

    /// `version` is a number or `latest` (also `-1`).
    func version(_ text: String, of subject: String) throws(Failure) -> Version {
        let versions = try versions(of: subject)
        if text == "latest" || text == "-1" { return versions.last! }
        guard let number = Int(text), number >= 1 else { throw .invalidVersion(text) }
        guard let found = versions.first(where: { $0.version == number }) else { throw .versionNotFound(text) }
        return found
    }

    func schema(id: Int) throws(Failure) -> Schema {
        guard let schema = schemas[id] else { throw .schemaNotFound(id) }
        return schema
    }

    /// The subjects and versions that hold schema `id`.
    func usages(of id: Int) -> [(subject: String, version: Int)] {
        subjects.keys.sorted().flatMap { subject in subjects[subject]!.filter { $0.id == id }.map { (subject, $0.version) } }
    }

    /// Registers `schema` under `subject` and returns its id: the schema's existing id when it is
    /// already known (a subject registering it again gets no new version). `id` asks for that id,
    /// as a registry in IMPORT mode allows; it must be free or already hold the same schema.
    mutating func register(_ schema: Schema, subject: String, id requested: Int? = nil) throws(Failure) -> Int {
        guard Self.schemaTypes.contains(schema.type) else { throw .invalidSchema("unknown schema type \(schema.type)") }
        let canonical = try Self.canonical(schema)
        if let existing = subjects[subject]?.first(where: { canonicalSchemas[$0.id] == canonical }), requested == nil || requested == existing.id {
            return existing.id
        }
        let id: Int
        if let requested {
            if let held = canonicalSchemas[requested], held != canonical { throw .idInUse(requested) }
            id = requested
        } else if let known = canonicalSchemas.first(where: { $0.value == canonical })?.key {
            id = known
        } else {
            id = nextID
        }
        if schemas[id] == nil { schemas[id] = schema }
        canonicalSchemas[id] = canonical
        nextID = max(nextID, id + 1)
        let versions = subjects[subject] ?? []
        subjects[subject] = versions + [Version(version: (versions.last?.version ?? 0) + 1, id: id)]
        return id
    }

    /// The version of `subject` that holds `schema`.
    func lookUp(_ schema: Schema, subject: String) throws(Failure) -> Version {
        let versions = try versions(of: subject)
        let canonical = try Self.canonical(schema)
        guard let found = versions.first(where: { canonicalSchemas[$0.id] == canonical }) else { throw .schemaNotFoundInSubject() }
        return found
    }

    /// Deletes a subject; returns the versions it had.
    mutating func delete(subject: String) throws(Failure) -> [Int] {
        let versions = try versions(of: subject)
        subjects[subject] = nil
        subjectCompatibility[subject] = nil
        return versions.map(\.version)
    }

    mutating func delete(version text: String, of subject: String) throws(Failure) -> Int {
        let found = try version(text, of: subject)
        subjects[subject]!.removeAll { $0.version == found.version }
        return found.version
    }

    /// The schema with its text in a canonical form when it is JSON (Avro and JSON Schema), so
    /// the same schema spelled with other spacing or key order is the same schema.
    private static func canonical(_ schema: Schema) throws(Failure) -> Schema {
        guard schema.type != "PROTOBUF" else { return schema }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(schema.text.utf8), options: [.fragmentsAllowed]) else {
            throw .invalidSchema("\(schema.type) schemas are JSON: \(schema.text.prefix(80))")
        }
        guard let data = try? JSONSerialization.data(withJSONObject: parsed, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) else {
            return schema
        }
        var canonical = schema
        canonical.text = String(decoding: data, as: UTF8.self)
        return canonical
    }
}
