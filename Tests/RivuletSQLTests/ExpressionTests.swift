import RivuletCore
import RivuletSQL
import Testing

@Suite struct ExpressionTests {
    private func grouped(_ text: String) throws -> String {
        let expr = try parseExpression(text)
        // Every expression also survives printing.
        let reparsed = try parseExpression(expr.description)
        #expect(reparsed == expr, "changed after printing: \(expr)")
        return shape(expr)
    }

    @Test(arguments: [
        ("a OR b AND c", "(a OR (b AND c))"),
        ("NOT a AND b", "((NOT a) AND b)"),
        ("NOT a = b", "(NOT (a = b))"),
        ("a = b OR c < d", "((a = b) OR (c < d))"),
        ("a + b * c", "(a + (b * c))"),
        ("a - b - c", "((a - b) - c)"),
        ("a - (b - c)", "(a - (b - c))"),
        ("a || b = c", "((a || b) = c)"),
        ("-a * b", "((- a) * b)"),
        ("a * -b", "(a * (- b))"),
        ("a % 2 = 0", "((a % 2) = 0)"),
        ("a + 1 IS NULL", "((a + 1) IS NULL)"),
        ("a IS NOT NULL AND b", "((a IS NOT NULL) AND b)"),
        ("a NOT LIKE 'x%' OR b", "((a NOT LIKE 'x%') OR b)"),
        ("x BETWEEN a - 1 AND b + 1 AND c", "((x BETWEEN (a - 1) AND (b + 1)) AND c)"),
        ("x NOT BETWEEN 1 AND 2", "(x NOT BETWEEN 1 AND 2)"),
        ("x IN (1, 2) AND y NOT IN ('a')", "((x IN [1, 2]) AND (y NOT IN ['a']))"),
        ("a <> b AND a != c", "((a <> b) AND (a <> c))"),
        ("(a OR b) AND c", "((a OR b) AND c)"),
        ("a * (b + c)", "(a * (b + c))"),
        ("- - a", "(- (- a))"),
    ])
    func precedence(_ text: String, _ expected: String) throws {
        #expect(try grouped(text) == expected)
    }

    @Test func minimalParenthesesWhenPrinting() throws {
        #expect(try parseExpression("((a + b)) * c").description == "(a + b) * c")
        #expect(try parseExpression("a + (b * c)").description == "a + b * c")
        #expect(try parseExpression("a - (b - c)").description == "a - (b - c)")
        #expect(try parseExpression("(a AND b) OR c").description == "a AND b OR c")
        #expect(try parseExpression("NOT (a AND b)").description == "NOT (a AND b)")
        #expect(try parseExpression("-(-5)").description == "- -5")
        #expect(try parseExpression("+(-(+a))").description == "+ - +a")
    }

    @Test func literals() throws {
        #expect(try parseExpression("42") == .literal(Literal(.number("42"))))
        #expect(try parseExpression("'it''s'") == .literal(Literal(.string("it's"))))
        #expect(try parseExpression("true") == .literal(Literal(.boolean(true))))
        #expect(try parseExpression("NULL") == .literal(Literal(.null)))
        #expect(try parseExpression("TIMESTAMP '2024-01-01 00:00:00'") == .literal(Literal(.timestamp("2024-01-01 00:00:00"))))
        #expect(try parseExpression("DATE '2024-01-01'") == .literal(Literal(.date("2024-01-01"))))
        #expect(try parseExpression("'it''s'").description == "'it''s'")
    }

    @Test(arguments: [
        ("INTERVAL '10' SECOND", Int64(10_000)),
        ("INTERVAL '1' MINUTE", 60_000),
        ("INTERVAL '2' HOUR", 7_200_000),
        ("INTERVAL '1' DAY", 86_400_000),
        ("INTERVAL '1:30' MINUTE TO SECOND", 90_000),
        ("INTERVAL '0.5' SECOND", 500),
        ("INTERVAL 4 SECONDS", 4_000),
    ])
    func intervals(_ text: String, _ milliseconds: Int64) throws {
        guard case .literal(let literal) = try parseExpression(text), case .interval(let interval) = literal.value else {
            Issue.record("not an interval: \(text)")
            return
        }
        #expect(interval.milliseconds == milliseconds)
        #expect(try parseExpression(literal.description) == .literal(literal))
    }

    @Test func columnReferences() throws {
        guard case .column(let ref) = try parseExpression("B.`dateTime`") else {
            Issue.record("not a column")
            return
        }
        #expect(ref.parts.map(\.value) == ["B", "dateTime"])
        #expect(ref.name.quoted)
        #expect(ref.qualifier.map(\.value) == ["B"])
        #expect(ref.description == "B.\"dateTime\"")
    }

    @Test func identifierQuotingRule() throws {
        // Unquoted names print as spelled; quoted ones stay quoted; reserved words need quotes.
        #expect(try parseExpression("dateTime").description == "dateTime")
        #expect(try parseExpression("`dateTime`").description == "\"dateTime\"")
        #expect(try parseExpression("\"select\"").description == "\"select\"")
        #expect(Identifier("window start").description == "\"window start\"")
        #expect(Identifier("from").description == "\"from\"")
        #expect(Identifier("Price").normalized == "price")
        #expect(Identifier("Price", quoted: true).normalized == "Price")
    }

    @Test func aggregateCalls() throws {
        guard case .function(let count) = try parseExpression("count(distinct bidder) filter (where price < 10000)") else {
            Issue.record("not a call")
            return
        }
        #expect(count.upperName == "COUNT")
        #expect(count.distinct)
        #expect(count.arguments == [.column(ColumnReference("bidder"))])
        #expect(count.filter?.description == "price < 10000")
        #expect(count.description == "count(DISTINCT bidder) FILTER (WHERE price < 10000)")

        guard case .function(let ordered) = try parseExpression("array_agg(CAST(name AS TEXT) order by ord desc, name)") else {
            Issue.record("not a call")
            return
        }
        #expect(ordered.orderBy.map(\.expr) == [.column(ColumnReference("ord")), .column(ColumnReference("name"))])
        #expect(ordered.orderBy.map(\.ascending) == [false, nil])
        #expect(ordered.description == "array_agg(CAST(name AS VARCHAR) ORDER BY ord DESC, name)")
        #expect(try parseExpression(ordered.description) == .function(ordered))

        guard case .function(let star) = try parseExpression("COUNT(*)") else {
            Issue.record("COUNT(*) is not a call")
            return
        }
        #expect(star.isStar && star.arguments.isEmpty)
    }

    @Test func rowNumberOver() throws {
        let text = "ROW_NUMBER() OVER (PARTITION BY A.id, seller ORDER BY B.price DESC, B.`dateTime` ASC)"
        guard case .function(let call) = try parseExpression(text), let over = call.over else {
            Issue.record("no OVER")
            return
        }
        #expect(over.partitionBy.count == 2)
        #expect(over.orderBy.map(\.ascending) == [false, true])
        let frame = try parseExpression("AVG(price) OVER (PARTITION BY seller ORDER BY ts ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)")
        #expect(frame.description == "AVG(price) OVER (PARTITION BY seller ORDER BY ts ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)")
    }

    @Test func specialForms() throws {
        #expect(try parseExpression("case x when 1 then 'a' else 'b' end").description == "CASE x WHEN 1 THEN 'a' ELSE 'b' END")
        #expect(try parseExpression("CASE WHEN a > 1 THEN 'big' END").description == "CASE WHEN a > 1 THEN 'big' END")
        #expect(try parseExpression("cast(price as double)") == .cast(Cast(expr: .column(ColumnReference("price")), type: .double)))
        #expect(try parseExpression("TRY_CAST(s AS INT)").description == "TRY_CAST(s AS INT)")
        #expect(try parseExpression("CAST(x AS VARCHAR(10))").description == "CAST(x AS VARCHAR)")
        #expect(try parseExpression("CAST(x AS DECIMAL(10, 2))").description == "CAST(x AS DECIMAL(10, 2))")
    }

    @Test(arguments: [
        ("overlay(s placing 'x' from 2)", "OVERLAY(s PLACING 'x' FROM 2)"),
        ("OVERLAY(s PLACING r FROM n + 1 FOR 3)", "OVERLAY(s PLACING r FROM n + 1 FOR 3)"),
        ("position('a' in s)", "POSITION('a' IN s)"),
        ("POSITION(a || b IN s)", "POSITION(a || b IN s)"),
        ("floor(ts to day)", "FLOOR(ts TO DAY)"),
        ("CEILING(ts TO MINUTE)", "CEIL(ts TO MINUTE)"),
        ("floor(x)", "floor(x)"),
        ("CEIL(x + 1)", "CEIL(x + 1)"),
        ("a is not distinct from b", "a IS NOT DISTINCT FROM b"),
        ("s is json", "s IS JSON"),
        ("s || t IS NOT JSON object", "s || t IS NOT JSON OBJECT"),
        ("NOT s IS JSON SCALAR", "NOT s IS JSON SCALAR"),
        ("TIMESTAMPDIFF(HOUR, a, b)", "TIMESTAMPDIFF(HOUR, a, b)"),
        ("json_value(j, '$.a')", "json_value(j, '$.a')"),
        ("JSON_VALUE(j, 'lax $.a' returning int default 0 on empty error on error)",
         "JSON_VALUE(j, 'lax $.a' RETURNING INT DEFAULT 0 ON EMPTY ERROR ON ERROR)"),
        ("JSON_VALUE(j, '$.a' DEFAULT k || 'x' ON ERROR)", "JSON_VALUE(j, '$.a' DEFAULT k || 'x' ON ERROR)"),
        ("JSON_QUERY(j, '$.a' WITH WRAPPER EMPTY ARRAY ON EMPTY EMPTY OBJECT ON ERROR)",
         "JSON_QUERY(j, '$.a' WITH UNCONDITIONAL ARRAY WRAPPER EMPTY ARRAY ON EMPTY EMPTY OBJECT ON ERROR)"),
        ("JSON_QUERY(j, '$' WITH CONDITIONAL WRAPPER)", "JSON_QUERY(j, '$' WITH CONDITIONAL ARRAY WRAPPER)"),
        ("JSON_QUERY(j, '$' WITHOUT WRAPPER NULL ON ERROR)", "JSON_QUERY(j, '$' WITHOUT ARRAY WRAPPER NULL ON ERROR)"),
        ("JSON_EXISTS(j, '$.a' UNKNOWN ON ERROR)", "JSON_EXISTS(j, '$.a' UNKNOWN ON ERROR)"),
        ("JSON_OBJECT()", "JSON_OBJECT()"),
        ("JSON_OBJECT('a' VALUE 1, KEY 'b' VALUE x + 1 ABSENT ON NULL)", "JSON_OBJECT(KEY 'a' VALUE 1, KEY 'b' VALUE x + 1 ABSENT ON NULL)"),
        ("JSON_OBJECT(key VALUE 1)", "JSON_OBJECT(KEY key VALUE 1)"),
        ("JSON_ARRAY(1, NULL NULL ON NULL)", "JSON_ARRAY(1, NULL NULL ON NULL)"),
        ("JSON_ARRAY(NULL ON NULL)", "JSON_ARRAY(NULL ON NULL)"),
        ("JSON_ARRAY(1, 'a')", "JSON_ARRAY(1, 'a')"),
    ])
    func keywordSeparatedArguments(_ text: String, _ printed: String) throws {
        let parsed = try parseExpression(text)
        #expect(parsed.description == printed)
        #expect(try parseExpression(parsed.description) == parsed)
    }

    @Test func keywordSeparatedArgumentErrors() {
        #expect(throws: SQLError.self) { try parseExpression("FLOOR(ts TO FORTNIGHT)") }
        #expect(throws: SQLError.self) { try parseExpression("OVERLAY(s, 'x', 2)") }
        #expect(throws: SQLError.self) { try parseExpression("POSITION('a', s)") }
        #expect(throws: SQLError.self) { try parseExpression("JSON_VALUE(j, '$.a' EMPTY ARRAY ON EMPTY)") }
        #expect(throws: SQLError.self) { try parseExpression("JSON_EXISTS(j, '$.a' NULL ON EMPTY)") }
        #expect(throws: SQLError.self) { try parseExpression("JSON_VALUE(j, '$.a' NULL ON ERROR NULL ON EMPTY)") }
        #expect(throws: SQLError.self) { try parseExpression("JSON_OBJECT('a' 1)") }
    }

    @Test func postgresCasts() throws {
        #expect(try parseExpression("$1::bigint") == .cast(Cast(expr: .parameter(Parameter(index: 1)), type: .bigint)))
        // `::` binds tighter than every operator, the unary sign included.
        #expect(try parseExpression("a + b::int4 * 2").description == "a + CAST(b AS INT) * 2")
        #expect(try parseExpression("-x::float8").description == "-CAST(x AS DOUBLE)")
        #expect(try parseExpression("'1'::int8::text").description == "CAST(CAST('1' AS BIGINT) AS VARCHAR)")
        #expect(try parseExpression("ts::pg_catalog.timestamptz").description == "CAST(ts AS TIMESTAMP(3))")
        #expect(try parseExpression("t::timestamp with time zone").description == "CAST(t AS TIMESTAMP(3))")
        // Object identifier types are look-ups by name.
        #expect(try parseExpression("'pg_class'::regclass").description == "regclass('pg_class')")
        #expect(try parseExpression("CAST(oid AS REGTYPE)").description == "regtype(oid)")
    }

    @Test func postgresOperatorsOverArrays() throws {
        #expect(try parseExpression("relkind = ANY (ARRAY['r', 'v'])").description == "relkind IN ('r', 'v')")
        #expect(try parseExpression("relkind = ANY('{r,\"p q\",NULL}')").description == "relkind IN ('r', 'p q')")
        #expect(try parseExpression("relkind <> ALL (ARRAY['i'])").description == "relkind NOT IN ('i')")
        #expect(try parseExpression("nspname ~ '^pg_'").description == "REGEXP_LIKE(nspname, '^pg_')")
        #expect(try parseExpression("nspname !~ '^pg_'").description == "NOT REGEXP_LIKE(nspname, '^pg_')")
        #expect(throws: SQLError.self) { try parseExpression("x = ALL (ARRAY[1])") }
        // Any other array: whether it holds the value.
        #expect(try parseExpression("'d' = any(stxkind)").description == "array_contains(stxkind, 'd')")
        #expect(try parseExpression("x <> ALL (a || b)").description == "NOT array_contains(a || b, x)")
        #expect(try parseExpression("pr.prattrs::pg_catalog.int2[]").description == "CAST(pr.prattrs AS ARRAY<INT>)")
        #expect(try parseExpression("EXTRACT(HOUR FROM ts)") == .extract(Extract(field: .hour, expr: .column(ColumnReference("ts")))))
        let fromFor = try parseExpression("SUBSTRING(s FROM 2 FOR 3)")
        #expect(fromFor == (try parseExpression("SUBSTRING(s, 2, 3)")))
        #expect(fromFor.description == "SUBSTRING(s FROM 2 FOR 3)")
        #expect(try parseExpression("TRIM(s)").description == "TRIM(s)")
        #expect(try parseExpression("TRIM(BOTH FROM s)").description == "TRIM(BOTH FROM s)")
        #expect(try parseExpression("trim(leading 'x' from s)").description == "TRIM(LEADING 'x' FROM s)")
        #expect(try parseExpression("TRIM('x' FROM s)").description == "TRIM('x' FROM s)")
        #expect(try parseExpression("CURRENT_TIMESTAMP") == .currentDateTime(CurrentDateTime(kind: .currentTimestamp)))
    }

    @Test func flinkGroupWindowFunctionsAreOrdinaryCalls() throws {
        for text in ["TUMBLE(ts, INTERVAL '10' SECOND)", "TUMBLE_START(ts, INTERVAL '10' SECOND)",
                     "HOP_END(ts, INTERVAL '2' SECOND, INTERVAL '10' SECOND)", "SESSION(B.`dateTime`, INTERVAL '10' SECOND)"] {
            guard case .function(let call) = try parseExpression(text) else {
                Issue.record("not a call: \(text)")
                continue
            }
            #expect(!call.arguments.isEmpty)
        }
    }

    @Test func namesThatAreAlsoKeywords() throws {
        // Unreserved keywords work as names; LEFT/RIGHT work as functions.
        #expect(try parseExpression("S.key = `value`").description == "S.key = \"value\"")
        #expect(try parseExpression("date + size").description == "date + size")
        #expect(try parseExpression("LEFT(s, 3) || RIGHT(s, 2)").description == "LEFT(s, 3) || RIGHT(s, 2)")
        #expect(try parseExpression("HOUR(`dateTime`) >= 8").description == "HOUR(\"dateTime\") >= 8")
    }

    @Test func subqueriesAndParameters() throws {
        #expect(try parseExpression("x IN (SELECT id FROM t)").description == "x IN (SELECT id FROM t)")
        #expect(try parseExpression("EXISTS (SELECT 1)").description == "EXISTS (SELECT 1)")
        #expect(try parseExpression("(SELECT max(a) FROM t) + $1").description == "(SELECT max(a) FROM t) + $1")
    }
}
