import RivuletConnectors
import RivuletCore
import Testing

/// Change events as Debezium's MySQL and Postgres connectors write them (the shapes of their
/// documentation's examples): where the row images are, and the changelog rows they give.
@Suite struct DebeziumEnvelopeTests {
    static let update = """
        {"before":{"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.18},\
        "after":{"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.15},\
        "source":{"version":"1.1.1.Final","connector":"mysql","name":"dbserver1","ts_ms":1589362330000,"snapshot":"false",\
        "db":"inventory","table":"products","server_id":223344,"gtid":null,"file":"mysql-bin.000003","pos":2090,"row":0,\
        "thread":2,"query":null},"op":"u","ts_ms":1589362330904,"transaction":null}
        """

    static let createWithSchema = """
        {"schema":{"type":"struct","fields":[{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},\
        {"type":"string","optional":false,"field":"first_name"},{"type":"string","optional":false,"field":"last_name"},\
        {"type":"string","optional":false,"field":"email"}],"optional":true,"name":"PostgreSQL_server.inventory.customers.Value",\
        "field":"before"}],"optional":false,"name":"PostgreSQL_server.inventory.customers.Envelope"},\
        "payload":{"before":null,"after":{"id":1,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org"},\
        "source":{"version":"2.5.4.Final","connector":"postgresql","name":"PostgreSQL_server","ts_ms":1559033904863,\
        "snapshot":true,"db":"postgres","sequence":"[\\"24023119\\",\\"24023128\\"]","schema":"public","table":"customers",\
        "txId":555,"lsn":24023128,"xmin":null},"op":"c","ts_ms":1559033904863}}
        """

    static let delete = """
        {
          "before": {"id": 1, "first_name": "Anne", "last_name": "Kretchmar", "email": "annek@noanswer.org"},
          "after": null,
          "source": {"version": "2.5.4.Final", "connector": "postgresql", "name": "PostgreSQL_server", "ts_ms": 1559033904863,
                     "snapshot": false, "db": "postgres", "schema": "public", "table": "customers", "txId": 556, "lsn": 46523128,
                     "xmin": null},
          "op": "d",
          "ts_ms": 1465581902461
        }
        """

    /// The envelope and the changelog rows of `text`, each image as its JSON text.
    private func changes(_ text: String, schemaIncluded: Bool = false) -> Result<[String], DebeziumEnvelopeError> {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { data in
            DebeziumEnvelope.parse(data, schemaIncluded: schemaIncluded).flatMap { $0.changes() }.map { changes in
                changes.map { "\($0.kind) " + String(decoding: data[$0.image], as: UTF8.self) }
            }
        }
    }

    @Test("An update retracts the row before and adds the row after")
    func update() {
        #expect(changes(Self.update) == .success([
            #"-U {"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.18}"#,
            #"+U {"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.15}"#,
        ]))
    }

    @Test("With schema-include, the event is the payload; a create inserts the row after")
    func createInsidePayload() {
        #expect(changes(Self.createWithSchema, schemaIncluded: true) == .success([
            #"+I {"id":1,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org"}"#,
        ]))
    }

    @Test("A wrapped event read without schema-include names the option")
    func wrappedWithoutOption() {
        #expect(changes(Self.createWithSchema) == .failure(DebeziumEnvelopeError(
            "the event is wrapped in 'schema' and 'payload'; set 'debezium-json.schema-include' = 'true'")))
    }

    @Test("A pretty-printed delete deletes the row before")
    func delete() {
        #expect(changes(Self.delete) == .success([
            #"-D {"id": 1, "first_name": "Anne", "last_name": "Kretchmar", "email": "annek@noanswer.org"}"#,
        ]))
    }

    @Test("A snapshot read inserts")
    func snapshotRead() {
        #expect(changes(#"{"before":null,"after":{"id":7},"op":"r","ts_ms":1}"#) == .success([#"+I {"id":7}"#]))
    }

    @Test("An update or delete without the old row asks for full old rows")
    func missingBefore() {
        let advice = "the source table must log whole old rows (Postgres: ALTER TABLE ... REPLICA IDENTITY FULL)"
        #expect(changes(#"{"before":null,"after":{"id":7},"op":"u"}"#) == .failure(DebeziumEnvelopeError("'u' event without 'before'; \(advice)")))
        #expect(changes(#"{"before":null,"after":null,"op":"d"}"#) == .failure(DebeziumEnvelopeError("'d' event without 'before'; \(advice)")))
    }

    @Test("Malformed envelopes say what is wrong")
    func malformed() {
        #expect(changes(#"{"after":{"id":7}}"#) == .failure(DebeziumEnvelopeError("no 'op' field")))
        #expect(changes(#"{"after":{"id":7},"op":"t"}"#) == .failure(DebeziumEnvelopeError(#"unknown 'op' "t"; expected "c", "r", "u" or "d""#)))
        #expect(changes(#"{"after":[1],"op":"c"}"#) == .failure(DebeziumEnvelopeError("'after' is not an object")))
        #expect(changes(#"{"before":null,"after":{"id":7},"op":"c""#)
            == .failure(DebeziumEnvelopeError("invalid JSON at byte 41: expected ',' or '}', found the end of the message")))
        #expect(changes(#"{"after":{"id":"7},"op":"c"}"#) == .failure(DebeziumEnvelopeError("invalid JSON: unterminated string")))
        #expect(changes("[]") == .failure(DebeziumEnvelopeError("invalid JSON at byte 1: expected '{', found '['")))
    }
}
