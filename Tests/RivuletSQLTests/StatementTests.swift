import RivuletCore
import RivuletSQL
import Testing

@Suite struct StatementTests {
    @Test func show() throws {
        #expect(try roundTrip("SHOW STREAMS") == .show(Show(kind: .streams)))
        #expect(try roundTrip("show tables") == .show(Show(kind: .tables)))
        #expect(try roundTrip("LIST QUERIES") == .show(Show(kind: .queries)))
        #expect(try roundTrip("SHOW QUERIES EXTENDED") == .show(Show(kind: .queries, extended: true)))
    }

    @Test func describe() throws {
        #expect(try roundTrip("DESCRIBE bids") == .describe(Describe(name: ObjectName("bids"))))
        #expect(try roundTrip("DESCRIBE EXTENDED bids") == .describe(Describe(name: ObjectName("bids"), extended: true)))
        #expect(try roundTrip("DESCRIBE bids EXTENDED") == .describe(Describe(name: ObjectName("bids"), extended: true)))
        #expect(try roundTrip("DESCRIBE STREAM bids") == .describe(Describe(name: ObjectName("bids"), kind: .stream)))
        #expect(try roundTrip("DESC TABLE t") == .describe(Describe(name: ObjectName("t"), kind: .table)))
    }

    @Test func explain() throws {
        #expect(try roundTrip("EXPLAIN CSAS_OUT_0") == .explain(Explain(target: .queryId("CSAS_OUT_0"))))
        #expect(try roundTrip("EXPLAIN 'query-1'") == .explain(Explain(target: .queryId("query-1"))))
        guard case .explain(let explain) = try roundTrip("EXPLAIN SELECT a FROM t"), case .statement(.query) = explain.target else {
            Issue.record("EXPLAIN of a query")
            return
        }
        guard case .explain(let plan) = try roundTrip("EXPLAIN PLAN FOR INSERT INTO s SELECT * FROM t"),
            case .statement(.insertSelect) = plan.target
        else {
            Issue.record("EXPLAIN PLAN FOR")
            return
        }
    }

    @Test func terminate() throws {
        #expect(try roundTrip("TERMINATE CTAS_COUNTS_3") == .terminate(Terminate(queryId: "CTAS_COUNTS_3")))
        #expect(try roundTrip("TERMINATE ALL") == .terminate(Terminate(queryId: nil)))
        #expect(try roundTrip("TERMINATE 'ALL'") == .terminate(Terminate(queryId: "ALL")))
    }

    @Test func setAndReset() throws {
        #expect(try roundTrip("SET 'auto.offset.reset' = 'earliest'") == .set(SetOption(key: "auto.offset.reset", value: "earliest")))
        #expect(try roundTrip("SET table.exec.state.ttl = 1000") == .set(SetOption(key: "table.exec.state.ttl", value: "1000")))
        #expect(try roundTrip("SET 'execution.runtime-mode' = 'streaming'").description == "SET 'execution.runtime-mode' = 'streaming'")
        #expect(try roundTrip("RESET") == .reset(ResetOption(key: nil)))
        #expect(try roundTrip("RESET 'a.b'") == .reset(ResetOption(key: "a.b")))
    }
}

/// ksqlDB's connector statements: properties keyed either way, printed back as they parse.
@Suite struct ConnectorStatementTests {
    @Test func createSourceConnectorKeepsEveryProperty() throws {
        let statement = try roundTrip("""
            CREATE SOURCE CONNECTOR IF NOT EXISTS pg_reader WITH ("connector.class" = 'io.debezium.connector.postgresql.PostgresConnector',
              'database.hostname' = 'db', "database.port" = '5432')
            """)
        guard case .connector(.create(let create)) = statement else {
            Issue.record("not CREATE CONNECTOR: \(statement)")
            return
        }
        #expect(create.kind == .source && create.ifNotExists && create.name.value == "pg_reader")
        #expect(create.options.map(\.key) == ["connector.class", "database.hostname", "database.port"])
        #expect(create.options.map(\.value.text) == ["io.debezium.connector.postgresql.PostgresConnector", "db", "5432"])
    }

    @Test func describeDropAndShow() throws {
        #expect(try roundTrip("DESCRIBE CONNECTOR pg") == .connector(.describe(ConnectorReference(name: Identifier("pg")))))
        #expect(try roundTrip("DROP CONNECTOR IF EXISTS pg") == .connector(.drop(ConnectorReference(name: Identifier("pg"), ifExists: true))))
        #expect(try roundTrip("SHOW CONNECTOR TYPES") == .show(Show(kind: .connectorTypes)))
        #expect(try roundTrip("SHOW CONNECTORS") == .show(Show(kind: .connectors)))
        // A table may still be called connector.
        #expect(try roundTrip("DESCRIBE connector") == .describe(Describe(name: ObjectName("connector"))))
    }

    /// Flink's statement sets, in both spellings: their INSERTs, each with its own text.
    @Test func statementSets() throws {
        let sql = "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT * FROM s; insert into b select x from s; END"
        guard case .statementSet(let set) = try roundTrip(sql) else {
            Issue.record("not a statement set")
            return
        }
        #expect(set.inserts.map(\.text) == ["INSERT INTO a SELECT * FROM s", "insert into b select x from s"])
        let clientForm = try parseScript("BEGIN STATEMENT SET;\nINSERT INTO a SELECT * FROM s;\nINSERT INTO b SELECT x FROM s;\nEND;")
        #expect(clientForm.map(\.statement) == [.statementSet(set)])
        #expect(syntaxError("EXECUTE STATEMENT SET BEGIN INSERT INTO a VALUES (1); END")?.message
            == "a statement set holds INSERT INTO ... SELECT statements, not INSERT ... VALUES")
        #expect(syntaxError("EXECUTE STATEMENT SET BEGIN SELECT 1; END")?.message.contains("INSERT INTO ... SELECT or END") == true)
        #expect(syntaxError("EXECUTE STATEMENT SET BEGIN END")?.message == "a statement set needs at least one INSERT")
    }
}
