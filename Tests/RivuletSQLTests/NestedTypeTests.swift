import RivuletCore
import RivuletSQL
import Testing

@Suite struct NestedTypeTests {
    private func columnTypes(_ sql: String) throws -> [SQLType] {
        guard case .createRelation(let create) = try roundTrip(sql) else { throw SQLError.internal("not CREATE") }
        return create.columns.map(\.type)
    }

    @Test func flinkSpellingsOfRowArrayAndMap() throws {
        let types = try columnTypes("""
            CREATE TABLE nexmark (
              event_type INT,
              person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR>,
              bid ROW(auction BIGINT, price BIGINT NOT NULL),
              tags ARRAY<STRING NOT NULL>,
              attrs MAP<STRING, ARRAY<INT>>
            ) WITH ('connector' = 'filesystem', 'path' = 'x.json', 'format' = 'json')
            """)
        #expect(types == [
            .integer,
            .row([RowField("id", .bigint), RowField("name", .varchar), RowField("emailAddress", .varchar)]),
            .row([RowField("auction", .bigint), RowField("price", .bigint)]),
            .array(.varchar),
            .map(key: .varchar, value: .array(.integer)),
        ])
    }

    @Test func ksqlSpellingOfStruct() throws {
        let types = try columnTypes(
            "CREATE STREAM s (id INT KEY, address STRUCT<number INT, street VARCHAR, `zip code` VARCHAR>) WITH (KAFKA_TOPIC = 't', VALUE_FORMAT = 'JSON')")
        #expect(types[1] == .row([RowField("number", .integer), RowField("street", .varchar), RowField("zip code", .varchar)]))
    }

    @Test func malformedNestedTypesPointAtTheMistake() {
        #expect(throws: SQLError.self) { try parseStatement("CREATE STREAM s (a ARRAY<INT)") }
        do {
            _ = try parseStatement("CREATE STREAM s (a MAP<INT>)")
            Issue.record("MAP with one type parsed")
        } catch {
            #expect(error.state == .syntaxError)
            #expect(error.message.contains("MAP's key and value"))
            #expect(error.span?.start.column == 27)
        }
        do {
            _ = try parseStatement("CREATE STREAM s (r ROW<a INT, A INT>)")
            Issue.record("duplicate field parsed")
        } catch {
            #expect(error.message.contains("duplicate field name 'A'"))
        }
    }
}
