import RivuletCore
import RivuletSQL
import Testing

@Suite struct QueryTests {
    @Test func selectItems() throws {
        let s = try select("SELECT DISTINCT *, t.*, a AS x, b y, c + 1 FROM t")
        #expect(s.distinct)
        #expect(s.items.count == 5)
        #expect(s.items[0] == .wildcard(Wildcard()))
        #expect(s.items[1] == .wildcard(Wildcard(qualifier: ObjectName("t"))))
        guard case .expression(let y) = s.items[3] else {
            Issue.record("fourth item is not an expression")
            return
        }
        #expect(y.alias?.value == "y")
        #expect(s.description == "SELECT DISTINCT *, t.*, a AS x, b AS y, c + 1 FROM t")
    }

    @Test func allClauses() throws {
        let q = try query("""
            WITH big AS (SELECT * FROM bids WHERE price > 10)
            SELECT auction, COUNT(*) AS n FROM big WHERE bidder <> 0 GROUP BY auction HAVING COUNT(*) > 1
            ORDER BY n DESC LIMIT 10
            """)
        #expect(q.with.map(\.name.value) == ["big"])
        #expect(q.orderBy.first?.ascending == false)
        #expect(q.limit == .literal(Literal(.number("10"))))
        guard case .select(let s) = q.body else {
            Issue.record("not a plain select")
            return
        }
        #expect(s.groupBy.count == 1)
        #expect(s.having != nil)
        #expect(s.whereClause?.description == "bidder <> 0")
    }

    @Test func unnestInFrom() throws {
        let statement = try roundTrip("SELECT s FROM unnest(current_schemas(TRUE)) AS s")
        #expect(statement.description == "SELECT s FROM UNNEST(current_schemas(TRUE)) AS s")
    }

    @Test func setReturningFunctionsInFrom() throws {
        let series = try roundTrip("SELECT s FROM pg_catalog.generate_series(0, 3) s, pg_attribute")
        #expect(series.description == "SELECT s FROM pg_catalog.generate_series(0, 3) AS s, pg_attribute")
        let unnest = try roundTrip("SELECT x FROM pg_catalog.unnest(tc.reloptions) x")
        #expect(unnest.description == "SELECT x FROM pg_catalog.unnest(tc.reloptions) AS x")
    }

    @Test func arraySubqueries() throws {
        let statement = try roundTrip("SELECT array(select rolname from pg_roles where oid = any (pol.polroles) order by 1) FROM pg_policy pol")
        #expect(statement.description
            == "SELECT ARRAY(SELECT rolname FROM pg_roles WHERE array_contains(pol.polroles, oid) ORDER BY 1) FROM pg_policy AS pol")
    }

    @Test func emitAndLimitInEitherOrder() throws {
        let ksql = try query("SELECT * FROM s EMIT CHANGES LIMIT 5")
        let other = try query("SELECT * FROM s LIMIT 5 EMIT CHANGES")
        #expect(ksql == other)
        #expect(ksql.emit == .changes)
        #expect(try query("SELECT * FROM s EMIT FINAL").emit == .final)
    }

    @Test func unionAll() throws {
        let q = try query("SELECT a FROM x UNION ALL SELECT a FROM y UNION SELECT a FROM z")
        guard case .setOperation(let outer) = q.body, case .setOperation(let inner) = outer.left else {
            Issue.record("not nested unions")
            return
        }
        #expect(!outer.all && inner.all)
    }

    @Test func valuesAsAQuery() throws {
        let top = try roundTrip("VALUES (1, 'a'), (2, 'b')")
        #expect(top.description == "VALUES (1, 'a'), (2, 'b')")
        guard case .query(let q) = top, case .values(let values) = q.body else {
            Issue.record("not a VALUES query")
            return
        }
        #expect(values.rows.count == 2 && values.rows.allSatisfy { $0.count == 2 })
        // A row of one value may leave out its parentheses; it prints with them.
        #expect(try roundTrip("VALUES 1, 2 + 3").description == "VALUES (1), (2 + 3)")
        #expect(try roundTrip("VALUES (1) UNION ALL SELECT 2").description == "VALUES (1) UNION ALL SELECT 2")
    }

    @Test func valuesInFromWithColumnNames() throws {
        let statement = try roundTrip("""
            SELECT supplier_id, COUNT(*) FROM (VALUES ('supplier1', 4), ('supplier2', 3))
            AS Products(supplier_id, rating) GROUP BY ROLLUP (supplier_id, rating)
            """)
        #expect(statement.description == "SELECT supplier_id, COUNT(*) FROM (VALUES ('supplier1', 4), ('supplier2', 3)) "
            + "AS Products (supplier_id, rating) GROUP BY ROLLUP (supplier_id, rating)")
        #expect(try roundTrip("SELECT * FROM (SELECT 1, 2) t (a, b)").description == "SELECT * FROM (SELECT 1, 2) AS t (a, b)")
        #expect(try roundTrip("SELECT * FROM (VALUES (1)) t").description == "SELECT * FROM (VALUES (1)) AS t")
    }

    @Test func valuesInViewsAndInserts() throws {
        #expect(try roundTrip("create view t1(s) as values ('c'), ('a')").description
            == "CREATE VIEW t1 (s) AS VALUES ('c'), ('a')")
        guard case .insertSelect = try roundTrip("INSERT INTO t SELECT x FROM (VALUES (1), (2)) AS v(x)") else {
            Issue.record("INSERT ... SELECT FROM (VALUES ...) is not an INSERT of a query")
            return
        }
        // INSERT INTO t VALUES stays the statement that appends rows.
        guard case .insertValues = try roundTrip("INSERT INTO t VALUES (1), (2)") else {
            Issue.record("INSERT ... VALUES is no longer an insert of values")
            return
        }
    }

    @Test func namedOverWindowsAndIntervalFrames() throws {
        let statement = try roundTrip(
            "SELECT id, SUM(amount) OVER w, AVG(amount) OVER w FROM orders "
                + "WINDOW w AS (PARTITION BY product ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)")
        #expect(statement.description.contains("SUM(amount) OVER w"))
        #expect(statement.description.hasSuffix(
            "WINDOW w AS (PARTITION BY product ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)"))
        // ksqlDB's WINDOW clause is still read as one.
        _ = try roundTrip("SELECT k, COUNT(*) FROM s WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY k")
    }

    @Test func groupingSetsRollupAndCube() throws {
        let statement = try roundTrip(
            "SELECT a, b, COUNT(*) FROM t GROUP BY a, GROUPING SETS ((a, b), (b), ()), ROLLUP (a, b), CUBE (b)")
        guard case .query(let query) = statement, case .select(let select) = query.body else {
            Issue.record("not a SELECT")
            return
        }
        #expect(select.groupBy.count == 1)
        #expect(select.groupingSets.count == 3)
        #expect(select.groupingSets[1].expanded.map(\.count) == [2, 1, 0])
        #expect(select.groupingSets[2].expanded.map(\.count) == [1, 0])
        let cube = GroupingSets.cube([.column(ColumnReference("x")), .column(ColumnReference("y"))])
        #expect(cube.expanded.map { $0.map(\.description).joined(separator: ",") } == ["x,y", "x", "y", ""])
    }

    @Test func joins() throws {
        let s = try select("""
            SELECT * FROM a INNER JOIN b ON a.k = b.k LEFT OUTER JOIN c ON b.k = c.k
            RIGHT JOIN d ON c.k = d.k FULL OUTER JOIN e ON d.k = e.k CROSS JOIN f
            """)
        guard case .join(let last) = s.from[0] else {
            Issue.record("FROM is not a join")
            return
        }
        #expect(last.kind == .cross && last.condition == nil)
        var kinds: [Join.Kind] = []
        var node: TableReference? = s.from[0]
        while case .join(let j)? = node {
            kinds.insert(j.kind, at: 0)
            node = j.left
        }
        #expect(kinds == [.inner, .left, .right, .full, .cross])
    }

    @Test func commaJoinAndSubqueryAliases() throws {
        let s = try select("SELECT * FROM auction A, bid AS B, (SELECT 1 AS one) Q, (SELECT 2)")
        #expect(s.from.count == 4)
        #expect(s.from.map { $0.alias?.value } == ["A", "B", "Q", nil])
    }

    @Test func temporalJoin() throws {
        let s = try select("SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency")
        guard case .join(let join) = s.from[0], case .named(let rates) = join.right else {
            Issue.record("no temporal join")
            return
        }
        #expect(rates.systemTimeAsOf?.description == "o.order_time")
        #expect(rates.alias?.value == "r")
    }

    @Test func ksqlJoinWithin() throws {
        let s = try select("SELECT * FROM a JOIN b WITHIN 10 SECONDS ON a.id = b.id")
        guard case .join(let join) = s.from[0] else {
            Issue.record("FROM is not a join")
            return
        }
        #expect(join.within == JoinWithin(before: DurationLiteral(value: 10, unit: .second)))
        let t = try select("SELECT * FROM a LEFT JOIN b WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 1 MINUTE ON a.id = b.id")
        guard case .join(let asymmetric) = t.from[0], let within = asymmetric.within else {
            Issue.record("no join with WITHIN")
            return
        }
        #expect(within.before.milliseconds == 1000 && within.after?.milliseconds == 2000 && within.grace?.milliseconds == 60_000)
    }

    @Test func tumbleTableFunction() throws {
        let s = try select("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) GROUP BY window_start, window_end")
        guard case .windowFunction(let f) = s.from[0] else {
            Issue.record("no TVF")
            return
        }
        #expect(f.kind == .tumble)
        #expect(f.table.name.value == "bid")
        #expect(f.timeColumn == Identifier("dateTime", quoted: true))
        #expect(f.size?.description == "INTERVAL '10' SECOND")
        #expect(f.offset == nil)
    }

    @Test func windowTableFunctionsOfEveryKind() throws {
        let hop = try select("SELECT * FROM TABLE(HOP(TABLE bid, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND))")
        guard case .windowFunction(let h) = hop.from[0] else {
            Issue.record("no HOP")
            return
        }
        #expect(h.slide?.description == "INTERVAL '2' SECOND" && h.size?.description == "INTERVAL '10' SECOND")

        let cumulate = try select("SELECT * FROM TABLE(CUMULATE(TABLE bid, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) AS w")
        guard case .windowFunction(let c) = cumulate.from[0] else {
            Issue.record("no CUMULATE")
            return
        }
        #expect(c.step != nil && c.size != nil && c.alias?.value == "w")

        let session = try select("SELECT * FROM TABLE(SESSION(TABLE bid PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '5' MINUTE))")
        guard case .windowFunction(let g) = session.from[0] else {
            Issue.record("no SESSION")
            return
        }
        #expect(g.partitionBy == [.column(ColumnReference("bidder"))] && g.gap != nil)

        let offset = try select("SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '1' DAY, INTERVAL '8' HOUR))")
        guard case .windowFunction(let o) = offset.from[0] else {
            Issue.record("no TUMBLE with an offset")
            return
        }
        #expect(o.offset?.description == "INTERVAL '8' HOUR")
    }

    @Test func namedArgumentsMeanTheSameAsPositional() throws {
        let named = try select("SELECT * FROM TABLE(TUMBLE(DATA => TABLE bid, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '10' SECOND))")
        let positional = try select("SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND))")
        #expect(named == positional)
        let hop = try select("SELECT * FROM TABLE(HOP(DATA => TABLE bid, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '10' SECOND, SLIDE => INTERVAL '2' SECOND))")
        guard case .windowFunction(let h) = hop.from[0] else {
            Issue.record("no HOP with named arguments")
            return
        }
        #expect(h.slide?.description == "INTERVAL '2' SECOND")
    }

    @Test func ksqlWindows() throws {
        let tumbling = try select("SELECT k, COUNT(*) FROM s WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 2 SECONDS) GROUP BY k EMIT CHANGES")
        #expect(tumbling.window == KsqlWindow(kind: .tumbling, size: DurationLiteral(value: 10, unit: .second), grace: DurationLiteral(value: 2, unit: .second)))

        let hopping = try select("SELECT k FROM s WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS, RETENTION 7 DAYS) GROUP BY k")
        #expect(hopping.window?.advance?.milliseconds == 10_000)
        #expect(hopping.window?.retention?.milliseconds == Int64(7) * 86_400_000)
        #expect(hopping.window?.size.milliseconds == 60_000)

        let session = try select("SELECT k FROM s WINDOW SESSION (30 SECONDS) GROUP BY k")
        #expect(session.window?.kind == .session && session.window?.size.milliseconds == 30_000)

        let millis = try select("SELECT k FROM s WINDOW TUMBLING (SIZE 500 MILLISECONDS) GROUP BY k")
        #expect(millis.window?.size.milliseconds == 500)
    }

    @Test func ksqlWindowMayFollowWhere() throws {
        let before = try select("SELECT k FROM s WINDOW TUMBLING (SIZE 1 HOUR) WHERE x > 1 GROUP BY k")
        let after = try select("SELECT k FROM s WHERE x > 1 WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY k")
        #expect(before == after)
        #expect(after.description == "SELECT k FROM s WINDOW TUMBLING (SIZE 1 HOUR) WHERE x > 1 GROUP BY k")
    }

    @Test func ksqlPartitionBy() throws {
        let s = try select("SELECT * FROM s PARTITION BY userid EMIT CHANGES")
        #expect(s.partitionBy == [.column(ColumnReference("userid"))])
    }

    @Test func pullQuery() throws {
        let s = try select("SELECT * FROM counts WHERE k = 'a'")
        #expect(s.whereClause?.description == "k = 'a'")
    }

    @Test func spansOfNodes() throws {
        let s = try select("SELECT a,\n  price * 2 AS p\nFROM bid")
        guard case .expression(let item) = s.items[1] else {
            Issue.record("second item is not an expression")
            return
        }
        #expect(item.span.start == SourceLocation(line: 2, column: 3, offset: 12))
        #expect(item.expr.span.end == SourceLocation(line: 2, column: 12, offset: 21))
        #expect(s.from[0].span.start.line == 3)
    }
}
