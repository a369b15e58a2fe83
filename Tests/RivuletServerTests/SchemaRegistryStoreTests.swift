import Testing

@testable import RivuletServer

@Suite struct SchemaRegistryStoreTests {
    static let order = SchemaRegistryStore.Schema(
        text: #"{"type": "record", "name": "Order", "fields": [{"name": "id", "type": "long"}]}"#, type: "AVRO", references: [])
    static let orderRespaced = SchemaRegistryStore.Schema(
        text: #"{"name":"Order","type":"record","fields":[{"type":"long","name":"id"}]}"#, type: "AVRO", references: [])
    static let key = SchemaRegistryStore.Schema(text: #""long""#, type: "AVRO", references: [])

    @Test func theSameSchemaKeepsItsIdAndVersion() throws {
        var store = SchemaRegistryStore()
        let id = try store.register(Self.order, subject: "orders-value")
        #expect(try store.register(Self.orderRespaced, subject: "orders-value") == id)
        #expect(try store.versions(of: "orders-value").map(\.version) == [1])
        // Another subject registering it shares the id, with its own first version.
        #expect(try store.register(Self.order, subject: "copy-value") == id)
        #expect(try store.version("latest", of: "copy-value") == SchemaRegistryStore.Version(version: 1, id: id))
        let other = try store.register(Self.key, subject: "orders-value")
        #expect(other != id)
        #expect(try store.versions(of: "orders-value").map(\.version) == [1, 2])
        #expect(try store.lookUp(Self.orderRespaced, subject: "orders-value").version == 1)
        #expect(store.subjectNames == ["copy-value", "orders-value"])
    }

    @Test func anExplicitIdIsTakenWhenFreeOrHoldingTheSameSchema() throws {
        var store = SchemaRegistryStore()
        #expect(try store.register(Self.key, subject: "t-key", id: 101) == 101)
        #expect(try store.schema(id: 101).type == "AVRO")
        #expect(try store.register(Self.key, subject: "u-key", id: 101) == 101)
        #expect(throws: SchemaRegistryStore.Failure.idInUse(101)) { try store.register(Self.order, subject: "t-value", id: 101) }
        // Ids handed out later do not collide with the one chosen.
        #expect(try store.register(Self.order, subject: "t-value") == 102)
    }

    @Test func failuresCarryConfluentErrorCodes() throws {
        var store = SchemaRegistryStore()
        #expect(throws: SchemaRegistryStore.Failure.subjectNotFound("none")) { try store.versions(of: "none") }
        #expect(throws: SchemaRegistryStore.Failure.schemaNotFound(9)) { try store.schema(id: 9) }
        _ = try store.register(Self.order, subject: "s")
        #expect(throws: SchemaRegistryStore.Failure.versionNotFound("2")) { try store.version("2", of: "s") }
        #expect(throws: SchemaRegistryStore.Failure.invalidVersion("x")) { try store.version("x", of: "s") }
        let invalid = SchemaRegistryStore.Schema(text: "{not json", type: "AVRO", references: [])
        #expect(throws: SchemaRegistryStore.Failure.self) { try store.register(invalid, subject: "s") }
        #expect(try store.delete(subject: "s") == [1])
        #expect(store.subjectNames.isEmpty)
    }
}
