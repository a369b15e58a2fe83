import RivuletCore
import RivuletSQL
import Testing

@Suite struct DDLTests {
    private func create(_ sql: String) throws -> CreateRelation {
        guard case .createRelation(let create) = try roundTrip(sql) else { throw SQLError.internal("not CREATE") }
        return create
    }

    @Test func flinkTableWithWatermarkAndOptions() throws {
        let create = try create("""
            CREATE TABLE bid (
              auction BIGINT, price BIGINT NOT NULL, channel VARCHAR(10), `dateTime` TIMESTAMP(3), extra STRING,
              WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
            ) WITH ('connector' = 'filesystem', 'path' = '/data/bid', 'format' = 'csv')
            """)
        #expect(create.kind == .table)
        #expect(create.name.name.value == "bid")
        #expect(create.columns.map(\.name.value) == ["auction", "price", "channel", "dateTime", "extra"])
        #expect(create.columns.map(\.type) == [.bigint, .bigint, .varchar, .timestamp(precision: 3), .varchar])
        #expect(create.columns[1].notNull)
        #expect(create.watermark?.column.value == "dateTime")
        #expect(create.watermark?.expression.description == "\"dateTime\" - INTERVAL '4' SECOND")
        #expect(create.options.map(\.key) == ["connector", "path", "format"])
        #expect(create.option("CONNECTOR") == .string("filesystem"))
    }

    @Test func flinkComputedAndMetadataColumns() throws {
        let create = try create("""
            CREATE TABLE orders (
              price DOUBLE, quantity INT, cost AS price * quantity COMMENT 'derived',
              ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp', part INT METADATA VIRTUAL, proc AS PROCTIME(),
              WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
            ) WITH ('connector' = 'kafka')
            """)
        #expect(create.columns.map(\.name.value) == ["price", "quantity", "cost", "ts", "part", "proc"])
        #expect(create.columns[2].computed?.description == "price * quantity")
        #expect(create.columns[5].computed?.description == "PROCTIME()")
        #expect(create.columns[3].metadata == MetadataSource(key: "timestamp", isVirtual: false))
        #expect(create.columns[4].metadata == MetadataSource(key: nil, isVirtual: true))
        #expect(create.columns[4].type == .integer)
    }

    @Test func primaryKeyNotEnforced() throws {
        let create = try create("CREATE TABLE rates (currency STRING, rate DECIMAL(10, 4), PRIMARY KEY (currency) NOT ENFORCED) WITH ('connector' = 'upsert-kafka')")
        #expect(create.primaryKey?.columns.map(\.value) == ["currency"])
        #expect(create.primaryKey?.notEnforced == true)
        #expect(create.primaryKeyColumns.map(\.value) == ["currency"])
        #expect(create.columns[1].type == .decimal(precision: 10, scale: 4))
    }

    @Test func ksqlStreamWithKeyColumnAndBareOptionKeys() throws {
        let create = try create("CREATE STREAM pageviews (userid VARCHAR KEY, viewtime BIGINT) WITH (KAFKA_TOPIC = 'pv', VALUE_FORMAT = 'JSON', PARTITIONS = 4)")
        #expect(create.kind == .stream)
        #expect(create.columns[0].key == .key)
        #expect(create.options.map(\.keyIsString) == [false, false, false])
        #expect(create.option("kafka_topic") == .string("pv"))
        #expect(create.option("partitions") == .number("4"))
        #expect(create.description.contains("KAFKA_TOPIC = 'pv'"))
    }

    /// A source in a Schema Registry format takes its columns from the registry: none declared,
    /// none printed (the empty `()` does not parse).
    @Test func ksqlSourceWithoutColumnsPrintsNoColumnList() throws {
        let create = try create("CREATE TABLE dr WITH (KAFKA_TOPIC = 'dr', FORMAT = 'AVRO')")
        #expect(create.columns.isEmpty)
        #expect(create.description == "CREATE TABLE dr WITH (KAFKA_TOPIC = 'dr', FORMAT = 'AVRO')")
    }

    @Test func ksqlTableWithPrimaryKeyColumn() throws {
        let create = try create("CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='users', value_format='json')")
        #expect(create.ifNotExists)
        #expect(create.columns[0].key == .primaryKey)
        #expect(create.primaryKeyColumns.map(\.value) == ["id"])
    }

    @Test(arguments: [
        ("BOOLEAN", SQLType.boolean), ("INT", .integer), ("INTEGER", .integer), ("BIGINT", .bigint),
        ("DOUBLE", .double), ("FLOAT", .double), ("DECIMAL(18, 2)", .decimal(precision: 18, scale: 2)),
        ("DECIMAL", .decimal(precision: 10, scale: 0)), ("VARCHAR(255)", .varchar), ("STRING", .varchar),
        ("TIMESTAMP", .timestamp(precision: 3)), ("TIMESTAMP(6)", .timestamp(precision: 6)),
        ("TIMESTAMP_LTZ(3)", .timestamp(precision: 3)), ("TIMESTAMP(3) WITHOUT TIME ZONE", .timestamp(precision: 3)),
        ("DATE", .date),
    ])
    func dataTypes(_ spelling: String, _ type: SQLType) throws {
        let create = try create("CREATE STREAM s (c \(spelling))")
        #expect(create.columns[0].type == type)
    }

    @Test func partitionedByAndOptionValues() throws {
        let create = try create("CREATE TABLE t (a INT, dt STRING) PARTITIONED BY (dt) WITH ('sink.parallelism' = 2, 'x' = -1, 'y' = TRUE, FORMAT = JSON)")
        #expect(create.partitionedBy.map(\.value) == ["dt"])
        #expect(create.options.map(\.value) == [.number("2"), .number("-1"), .boolean(true), .identifier("JSON")])
    }

    @Test func createAsSelect() throws {
        guard case .createRelationAsSelect(let csas) = try roundTrip(
            "CREATE STREAM big_bids WITH (kafka_topic = 'big') AS SELECT * FROM bids WHERE price > 100 EMIT CHANGES")
        else {
            Issue.record("not CSAS")
            return
        }
        #expect(csas.kind == .stream)
        #expect(csas.option("KAFKA_TOPIC") == .string("big"))
        #expect(csas.query.emit == .changes)

        guard case .createRelationAsSelect(let ctas) = try roundTrip("CREATE OR REPLACE TABLE counts AS SELECT k, COUNT(*) FROM s GROUP BY k")
        else {
            Issue.record("not CTAS")
            return
        }
        #expect(ctas.kind == .table && ctas.orReplace)
    }

    @Test func createView() throws {
        guard case .createView(let view) = try roundTrip("CREATE VIEW B AS SELECT *, PROCTIME() AS p_time FROM bid") else {
            Issue.record("not a view")
            return
        }
        #expect(view.name.name.value == "B")
    }

    @Test func dropStatements() throws {
        #expect(try roundTrip("DROP STREAM s") == .drop(DropRelation(kind: .stream, name: ObjectName("s"))))
        #expect(try roundTrip("drop table if exists t") == .drop(DropRelation(kind: .table, ifExists: true, name: ObjectName("t"))))
        #expect(try roundTrip("DROP STREAM s DELETE TOPIC") == .drop(DropRelation(kind: .stream, name: ObjectName("s"), deleteTopic: true)))
    }

    @Test func insertStatements() throws {
        guard case .insertValues(let values) = try roundTrip("INSERT INTO s (a, b) VALUES (1, 'x'), (2, NULL)") else {
            Issue.record("not VALUES")
            return
        }
        #expect(values.columns.map(\.value) == ["a", "b"])
        #expect(values.rows.count == 2)
        #expect(values.rows[1][1] == .literal(Literal(.null)))

        guard case .insertSelect(let insert) = try roundTrip("INSERT INTO sink SELECT a FROM s") else {
            Issue.record("not INSERT SELECT")
            return
        }
        #expect(insert.target.name.value == "sink")
        #expect(insert.columns.isEmpty)
        guard case .insertSelect(let withColumns) = try roundTrip("INSERT INTO sink (x) (SELECT a FROM s)") else {
            Issue.record("not INSERT SELECT with columns")
            return
        }
        #expect(withColumns.columns.map(\.value) == ["x"])
    }
}
