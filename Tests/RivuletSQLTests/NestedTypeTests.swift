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

    /// ksqlDB upper-cases unquoted field names, as it does column names; ROW's keep their case.
    @Test func ksqlSpellingOfStruct() throws {
        let types = try columnTypes(
            "CREATE STREAM s (id INT KEY, address STRUCT<number INT, street VARCHAR, `zip code` VARCHAR>) WITH (KAFKA_TOPIC = 't', VALUE_FORMAT = 'JSON')")
        #expect(types[1] == .row([RowField("NUMBER", .integer), RowField("STREET", .varchar), RowField("zip code", .varchar)]))
        let flink = try columnTypes("CREATE TABLE t (address ROW<number INT, `Street` VARCHAR>)")
        #expect(flink[0] == .row([RowField("number", .integer), RowField("Street", .varchar)]))
    }

    @Test func structStarIsASelectItemOfItsOwn() throws {
        let statement = try roundTrip("SELECT k1, v1->a->*, v1->b AS b FROM input")
        guard case .query(let query) = statement, case .select(let select) = query.body else {
            Issue.record("not a SELECT: \(statement)")
            return
        }
        #expect(select.items.count == 3)
        guard case .wildcard(let wildcard) = select.items[1] else {
            Issue.record("not a wildcard: \(select.items[1])")
            return
        }
        #expect(wildcard.fieldsOf?.description == "v1->a")
        #expect(select.items[1].description == "v1->a->*")
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

@Suite struct NestedExpressionTests {
    /// Parses, prints, and parses the print again: the trees must match.
    private func printed(_ text: String) throws -> String {
        let expr = try parseExpression(text)
        #expect(try parseExpression(expr.description) == expr, "changed after printing: \(expr)")
        return expr.description
    }

    @Test(arguments: [
        ("ARRAY[1, 2, NULL]", "ARRAY[1, 2, NULL]"),
        ("MAP['a', 1, 'b', 2]", "MAP['a', 1, 'b', 2]"),
        ("MAP('a' := 1)", "MAP('a' := 1)"),
        ("ROW(1, 'x')", "ROW(1, 'x')"),
        ("STRUCT(name := 'x', n := 1)", "STRUCT(name := 'x', n := 1)"),
        ("tags[1] || 'x'", "tags[1] || 'x'"),
        ("-a[2]", "-a[2]"),
        ("m['k'][1]", "m['k'][1]"),
        ("s->address->city", "s->address->city"),
        ("a[1].name", "a[1].name"),
        ("(r).name", "(r).name"),
        ("t.r.name", "t.r.name"),
        ("CAST(x AS ARRAY<ROW<a INT>>)", "CAST(x AS ARRAY<ROW<a INT>>)"),
    ])
    func roundTrips(_ text: String, _ expected: String) throws {
        #expect(try printed(text) == expected)
    }

    @Test func subscriptsBindTighterThanOperators() throws {
        guard case .binary(let sum) = try parseExpression("a[1] + b[2] * 3") else {
            Issue.record("not a binary expression")
            return
        }
        guard case .subscript = sum.left else {
            Issue.record("left operand is \(sum.left)")
            return
        }
    }

    @Test func constructorMistakesPointAtThemselves() {
        do {
            _ = try parseExpression("MAP['a', 1, 'b']")
            Issue.record("odd MAP parsed")
        } catch {
            #expect(error.state == .syntaxError)
            #expect(error.message.contains("pairs"))
            #expect(error.span?.start.column == 1)
        }
        do {
            _ = try parseExpression("STRUCT(a = 1)")
            Issue.record("STRUCT without := parsed")
        } catch {
            #expect(error.message.contains("':='"))
            #expect(error.span?.start.column == 10)
        }
        #expect(throws: SQLError.self) { try parseExpression("a[1") }
    }
}
