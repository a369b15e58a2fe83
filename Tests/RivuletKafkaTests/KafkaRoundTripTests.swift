import RivuletConnectors
import RivuletCore
import RivuletPlanner
import Testing

@Suite("Kafka round trips against the mock cluster")
struct KafkaRoundTripTests {
    let fields = [Field("id", .bigint), Field("name", .varchar), Field("price", .decimal(precision: 10, scale: 2)),
                  Field("ts", .timestamp3)]

    var rows: [[Value]] {
        [
            [.int(1), .string("apple"), .decimal(unscaled: 150, scale: 2), .timestamp(1_700_000_000_000)],
            [.int(2), .string("pear, \"ripe\""), .null, .timestamp(1_700_000_001_000)],
            [.int(3), .string("line\nbreak"), .decimal(unscaled: -5, scale: 2), .timestamp(1_700_000_002_500)],
        ]
    }

    @Test("JSON rows written by the sink read back by a bounded source, with metadata columns", arguments: ["json", "csv"])
    func roundTrip(format: String) async throws {
        try await offPool {
            let cluster = try cluster(topics: ["orders": 1])
            let options = kafkaOptions(cluster, topic: "orders", format: format, ["key.fields": "id"])
            try write(relation("sink", fields, options), batch(fields.map(\.type), rows))

            let read = relation("orders", fields + [Field("kafka_partition", .integer), Field("kafka_offset", .bigint),
                                                     Field("kafka_key", .varchar)], options)
            let (got, bad) = try readAll(read)
            #expect(bad.count == 0)
            #expect(got.map { Array($0.prefix(4)) } == rows)
            #expect(got.map { $0[4] } == [.int(0), .int(0), .int(0)])
            #expect(got.map { $0[5] } == [.int(0), .int(1), .int(2)])
            let expectedKeys: [Value] = format == "json" ? [.string("{\"id\":1}"), .string("{\"id\":2}"), .string("{\"id\":3}")]
                                                          : [.string("1"), .string("2"), .string("3")]
            #expect(got.map { $0[6] } == expectedKeys)
        }
    }

    @Test("PROTOBUF_NOSR rows, nested and NULL ones included, written by the sink read back by a source")
    func protobufRoundTrip() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["orders": 1])
            let line = SQLType.row([RowField("sku", .varchar), RowField("qty", .array(.integer))])
            let columns = fields + [Field("line", line)]
            let written: [[Value]] = rows.enumerated().map { index, row in
                row + [index == 1 ? .null : .row([.string("s\(index)"), .array([.int(Int64(index)), .int(-1)])])]
            }
            let options = kafkaOptions(cluster, topic: "orders", format: "protobuf_nosr", ["key.fields": "id"])
            try write(relation("sink", columns, options), batch(columns.map(\.type), written))
            let (got, bad) = try readAll(relation("orders", columns, options))
            #expect(bad.count == 0)
            #expect(got == written)
        }
    }

    @Test("Several partitions and topics are all read; a projection reads only some columns")
    func partitionsAndProjection() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["a": 3, "b": 2])
            try produce(cluster, topic: "a", (0..<9).map { (Int32($0 % 3), "{\"id\":\($0)}") })
            try produce(cluster, topic: "b", [(1, "{\"id\":100}")])
            let options = kafkaOptions(cluster, topic: "a;b")
            let read = relation("ab", fields + [Field("kafka_topic", .varchar), Field("kafka_partition", .integer)], options)
            // Columns: partition, id, topic.
            let (got, _) = try readAll(read, columns: [5, 0, 4], maxRows: 2)
            #expect(got.count == 10)
            #expect(Set(got.map { "\($0[1])" }) == Set((0..<9).map { "\($0)" } + ["100"]))
            #expect(got.filter { $0[2] == .string("b") }.map { $0[0] } == [.int(1)])
            // Rows of one partition keep their order.
            let partition0 = got.filter { $0[2] == .string("a") && $0[0] == .int(0) }.map { $0[1] }
            #expect(partition0 == [.int(0), .int(3), .int(6)])
        }
    }

    @Test("Records that do not decode are skipped and logged with topic/partition@offset")
    func badRecords() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["events": 2])
            try produce(cluster, topic: "events", [
                (0, "{\"id\": 1, \"name\": \"ok\"}"), (0, "{not json"), (1, "{\"id\": \"seven\"}"), (1, nil), (0, "{\"id\": 4}"),
            ])
            let (got, bad) = try readAll(relation("events", fields, kafkaOptions(cluster, topic: "events")))
            #expect(got.map { $0[0] }.sorted { "\($0)" < "\($1)" } == [.int(1), .int(4)])
            #expect(bad.count == 2)
            #expect(Set(bad.entries.map(\.position)) == ["events/0@1", "events/1@0"])
            #expect(bad.entries.allSatisfy { $0.source == "events" && !$0.reason.isEmpty })
        }
    }

    @Test("upsert-kafka keys messages by primary key and turns a delete into a tombstone")
    func upsertTombstones() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["totals": 1])
            let table = [Field("user", .varchar), Field("total", .bigint)]
            let sink = relation("totals", table, connector: "upsert-kafka",
                                kafkaOptions(cluster, topic: "totals", ["key.format": "raw"]), primaryKey: [0])
            try write(sink, batch(table.map(\.type), [
                [.string("ann"), .int(1)], [.string("bob"), .int(2)], [.string("ann"), .int(1)], [.string("ann"), .int(5)],
                [.string("bob"), .int(2)],
            ], kinds: [.insert, .insert, .updateBefore, .updateAfter, .delete]))

            let raw = relation("raw", [Field("value", .varchar), Field("kafka_key", .varchar)],
                               kafkaOptions(cluster, topic: "totals", format: "raw"))
            let (got, _) = try readAll(raw)
            #expect(got == [
                [.string("{\"user\":\"ann\",\"total\":1}"), .string("ann")],
                [.string("{\"user\":\"bob\",\"total\":2}"), .string("bob")],
                [.string("{\"user\":\"ann\",\"total\":5}"), .string("ann")],
                [.null, .string("bob")],
            ])
        }
    }

    @Test("The append-only kafka sink refuses updates; upsert-kafka needs a primary key")
    func sinkErrors() async throws {
        try await offPool {
            let cluster = try cluster(topics: ["t": 1])
            let table = [Field("k", .varchar), Field("n", .bigint)]
            let appendOnly = relation("t", table, kafkaOptions(cluster, topic: "t"))
            let update = sqlError { try write(appendOnly, batch(table.map(\.type), [[.string("a"), .int(1)]], kinds: [.updateAfter])) }
            #expect(update?.message.contains("append-only") == true)
            let keyless = sqlError { try write(relation("t", table, connector: "upsert-kafka", kafkaOptions(cluster, topic: "t")),
                                               batch(table.map(\.type), [])) }
            #expect(keyless?.message.contains("PRIMARY KEY") == true)
        }
    }
}
