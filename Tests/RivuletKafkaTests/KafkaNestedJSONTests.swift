import RivuletConnectors
import RivuletCore
import RivuletPlanner
import Testing

@Suite("Nested values in Kafka JSON messages")
struct KafkaNestedJSONTests {
    let fields = [Field("id", .bigint), Field("address", .row([RowField("city", .varchar), RowField("zip", .integer)])),
                  Field("phones", .array(.varchar)), Field("prefs", .map(key: .varchar, value: .varchar))]

    @Test("Nested values written by the sink nest in the JSON and read back")
    func roundTrip() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["users": 1])
            let options = kafkaOptions(cluster, topic: "users", format: "json")
            let rows: [[Value]] = [
                [.int(1), .row([.string("Oslo"), .int(150)]), .array([.string("111"), .null]), .map(keys: [.string("lang")], values: [.string("no")])],
                [.int(2), .null, .array([]), .null],
            ]
            try write(relation("sink", fields, options), batch(fields.map(\.type), rows))
            let (got, bad) = try readAll(relation("users", fields, options))
            #expect(bad.count == 0)
            #expect(got == rows)
        }
    }

    @Test("Messages with nested objects from another producer fill nested columns; a wrong shape is a bad record")
    func readsProducedMessages() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["u": 1])
            try produce(cluster, topic: "u", [
                (0, #"{"ID": 7, "ADDRESS": {"CITY": "Rome", "ZIP": 1}, "PHONES": ["9"], "PREFS": {"tz": "CET"}}"#),
                (0, #"{"id": 8, "address": "Rome"}"#),
            ])
            let (got, bad) = try readAll(relation("u", fields, kafkaOptions(cluster, topic: "u", format: "json")))
            #expect(got == [[.int(7), .row([.string("Rome"), .int(1)]), .array([.string("9")]), .map(keys: [.string("tz")], values: [.string("CET")])]])
            #expect(bad.count == 1)
        }
    }
}
