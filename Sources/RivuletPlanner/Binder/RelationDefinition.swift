public import RivuletCore
public import RivuletSQL

/// Turns `CREATE STREAM|TABLE` into the catalog's `Relation`.
public enum RelationDefinition {
    public static func relation(from create: CreateRelation) throws(SQLError) -> Relation {
        var fields: [Field] = []
        var seen: Set<String> = []
        let ksqlKafka = create.option("kafka_topic") != nil && create.option("connector") == nil
        for column in create.columns {
            guard seen.insert(column.name.value.lowercased()).inserted else {
                throw SQLError(.duplicateObject, "column '\(column.name.value)' is declared twice", at: column.span)
            }
            // ksqlDB upper-cases unquoted names: they are the field names its formats write.
            let name = ksqlKafka && !column.name.quoted ? column.name.value.uppercased() : column.name.value
            fields.append(Field(name, column.type, nullable: !column.notNull))
        }
        let computedColumns = try computedColumns(of: create, fields: &fields)
        var systemColumns: [Int] = []
        if ksqlKafka {
            let windowed = create.option("window_type") != nil
            for declared in create.columns where KsqlSystemColumn(name: declared.name.value) != nil {
                throw SQLError(.duplicateObject, "`\(declared.name.value.uppercased())` is a reserved column name. You cannot use it as a name for a column.",
                               at: declared.name.span, hint: "rename the column")
            }
            for column in windowed ? KsqlSystemColumn.windowed : KsqlSystemColumn.record {
                systemColumns.append(fields.count)
                fields.append(column.field)
            }
        }
        let schema = Schema(fields)
        func index(of identifier: Identifier, role: String) throws(SQLError) -> Int {
            guard let index = schema.firstIndex(of: identifier.value) else {
                throw SQLError(.undefinedColumn, "\(role) column '\(identifier.value)' is not declared", at: identifier.span,
                               hint: closestName(to: identifier.value, among: schema.names).map { "did you mean '\($0)'?" })
            }
            return index
        }

        var primaryKey: [Int] = []
        for column in create.primaryKeyColumns { primaryKey.append(try index(of: column, role: "primary key")) }

        var options: [String: String] = [:]
        // ksqlDB's TIMESTAMP option declares event time; it is the engine's, not the connector's.
        for option in create.options where option.key.lowercased() != "timestamp" {
            options[option.key.lowercased()] = option.value.text
        }
        if options["connector"] == nil, let legacy = create.options.first(where: { $0.key.lowercased().hasPrefix("connector.") }) {
            // Flink's legacy descriptor options (removed in Flink 2): read as an embedded stream the
            // table would silently stay empty.
            throw SQLError(.invalidParameterValue, "'\(legacy.key)' is an option of Flink's legacy connectors, which Flink 2 removed",
                           at: legacy.span, hint: "declare the connector with 'connector' = '...' and its current options")
        }
        let connectorName: String
        if let connector = options["connector"] {
            connectorName = connector.lowercased()
        } else if options["kafka_topic"] != nil {
            connectorName = "kafka"
        } else {
            connectorName = ConnectorSpec.embedded
        }

        var watermark: WatermarkSpec?
        var rowtimeColumn: ComputedColumn?
        if let definition = create.watermark {
            let column = try index(of: definition.column, role: "watermark")
            guard schema[column].type.isTimestamp else {
                throw SQLError(.datatypeMismatch, "the watermark column '\(definition.column.value)' must be a TIMESTAMP, not \(schema[column].type)",
                               at: definition.column.span)
            }
            watermark = WatermarkSpec(column: column, delayMillis: try delay(of: definition, column: schema[column].name))
        } else if let timestamp = create.option("timestamp") {
            let identifier = Identifier(timestamp.text, span: create.span)
            let column = try index(of: identifier, role: "TIMESTAMP")
            guard schema[column].type.isTimestamp || schema[column].type == .bigint else {
                throw SQLError(.datatypeMismatch, "the TIMESTAMP column '\(timestamp.text)' must be a TIMESTAMP or BIGINT", at: create.span)
            }
            if ksqlKafka, schema[column].type == .bigint {
                // ksqlDB's ROWTIME is then the column's value; a record whose value is no time
                // (NULL or negative) has none, and is skipped (`QueryBinder`).
                rowtimeColumn = ComputedColumn(column: systemColumns[0], expression: .call(.caseWhen, [
                    .call(.greaterOrEqual, [.column(column, .bigint), .literal(.int(0), .bigint)], .boolean), .column(column, .bigint),
                    .literal(.null, .bigint),
                ], .bigint))
                watermark = WatermarkSpec(column: systemColumns[0], delayMillis: 0)
            } else {
                watermark = WatermarkSpec(column: column, delayMillis: 0)
            }
        } else if ksqlKafka {
            // ksqlDB's event time is the record timestamp, and its stream time the largest seen.
            watermark = WatermarkSpec(column: systemColumns[0], delayMillis: 0)
        }

        let kind: Relation.Kind
        switch create.kind {
        case .table where !primaryKey.isEmpty: kind = .table
        case .table, .stream: kind = .stream
        case .view: throw SQLError.unsupported("use CREATE VIEW ... AS SELECT to define a view", at: create.span)
        }
        var relation = Relation(
            name: create.name.name.value, kind: kind, schema: schema,
            connector: ConnectorSpec(connector: connectorName, options: options),
            watermark: watermark, primaryKey: primaryKey, systemColumns: systemColumns)
        relation.computedColumns = computedColumns + (rowtimeColumn.map { [$0] } ?? [])
        relation.nameQuoted = create.name.name.quoted
        for name in create.partitionedBy {
            guard let index = schema.firstIndex(of: name.value) else {
                throw SQLError(.undefinedColumn, "PARTITIONED BY names column '\(name.value)', which '\(relation.name)' does not declare",
                               at: name.span)
            }
            relation.partitionColumns.append(index)
        }
        for (index, column) in create.columns.enumerated() {
            guard let metadata = column.metadata else { continue }
            if primaryKey.contains(index) {
                throw SQLError(.invalidTableDefinition, "metadata column '\(column.name.value)' cannot be part of the key", at: column.span)
            }
            relation.metadataColumns.append(MetadataColumn(column: index, key: metadata.key ?? column.name.value))
        }
        return relation
    }

    /// Binds the computed columns (`cost AS price * quantity`) over the declared stored columns,
    /// giving each its expression's type in `fields`. As in Flink, a computed column reads stored
    /// columns only, and is not a key.
    private static func computedColumns(of create: CreateRelation, fields: inout [Field]) throws(SQLError) -> [ComputedColumn] {
        let computedIndices = Set(create.columns.indices.filter { create.columns[$0].computed != nil })
        guard !computedIndices.isEmpty else { return [] }
        let scope = Scope(schema: Schema(fields), qualifier: create.name.name.value, eventTimeColumn: nil)
        let binder = ExpressionBinder(
            resolveColumn: { (reference: ColumnReference) throws(SQLError) -> BoundExpr in
                let index = try scope.resolve(reference)
                guard !computedIndices.contains(index) else {
                    throw SQLError(.invalidColumnReference, "a computed column cannot read computed column '\(reference.name.value)'",
                                   at: reference.span, hint: "write its expression in full")
                }
                return .column(index, scope.columns[index].type)
            },
            clause: "a computed column")
        var computed: [ComputedColumn] = []
        for index in computedIndices.sorted() {
            let column = create.columns[index]
            if column.key != nil || create.primaryKeyColumns.contains(where: { $0.value.lowercased() == column.name.value.lowercased() }) {
                throw SQLError(.invalidTableDefinition, "computed column '\(column.name.value)' cannot be part of the key", at: column.span)
            }
            let expression = try binder.bind(column.computed!)
            let type = expression.type == .null ? SQLType.varchar : expression.type
            fields[index] = Field(column.name.value, type, nullable: true)
            computed.append(ComputedColumn(column: index, expression: expression.type == .null ? .literal(.null, type) : expression))
        }
        return computed
    }

    /// The delay of `WATERMARK FOR ts AS ts - INTERVAL ...` (or `AS ts`: none).
    private static func delay(of definition: WatermarkDefinition, column: String) throws(SQLError) -> Int64 {
        func isColumn(_ expr: Expr) -> Bool {
            if case .column(let reference) = expr { return reference.name.value.lowercased() == column.lowercased() }
            return false
        }
        if isColumn(definition.expression) { return 0 }
        if case .binary(let binary) = definition.expression, binary.op == .minus, isColumn(binary.left),
           case .literal(let literal) = binary.right, case .interval(let interval) = literal.value,
           let ms = interval.milliseconds, ms >= 0 {
            return ms
        }
        throw SQLError.unsupported(
            "a watermark must be written as '\(column)' or '\(column) - INTERVAL ...'", at: definition.expression.span)
    }
}
