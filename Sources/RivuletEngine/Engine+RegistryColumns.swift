import RivuletConnectors
import RivuletCore
import RivuletSQL

extension Engine {
    /// A ksqlDB source in a schema registry format declared without its key or value columns
    /// gets them from the registry (`KafkaRegistryColumns`), keys first, as ksqlDB lists them.
    func inferRegistryColumns(_ create: inout CreateRelation) throws(SQLError) {
        guard create.option("kafka_topic") != nil, create.option("connector") == nil else {
            if create.columns.isEmpty { throw Self.noColumns(create) }
            return
        }
        var options: [String: String] = [:]
        for option in create.options { options[option.key.lowercased()] = option.value.text }
        let keyNames = Set(create.primaryKeyColumns.map { $0.value.lowercased() })
        let hasKeys = !keyNames.isEmpty
        let hasValues = create.columns.contains { !keyNames.contains($0.name.value.lowercased()) }
        guard let inferred = try KafkaRegistryColumns.infer(options: options, hasKeys: hasKeys, hasValues: hasValues, session: settings.values)
        else {
            if create.columns.isEmpty { throw Self.noColumns(create) }
            return
        }
        let keyConstraint: ColumnKeyConstraint = create.kind == .table ? .primaryKey : .key
        // Named exactly as the schema names them, whatever their case (quoted, in SQL terms).
        let keys = inferred.keys.map {
            ColumnDefinition(name: Identifier($0.name, quoted: true, span: create.span), type: $0.type, key: keyConstraint, span: create.span)
        }
        let values = inferred.values.map { ColumnDefinition(name: Identifier($0.name, quoted: true, span: create.span), type: $0.type, span: create.span) }
        create.columns = keys + create.columns + values
    }

    /// ksqlDB's refusal of a source without columns that a registry does not supply.
    private static func noColumns(_ create: CreateRelation) -> SQLError {
        SQLError(.invalidTableDefinition, "The statement does not define any columns.", at: create.span,
                 hint: "declare the columns, or use a schema registry format (VALUE_FORMAT = 'AVRO', 'JSON_SR' or 'PROTOBUF')")
    }
}
