import RivuletCore

/// The rule for formats that have no spelling of nested values (CSV, raw): a relation with an
/// ARRAY, MAP or ROW column is refused when declared, naming the column, rather than failing
/// on its first record.
enum NestedColumns {
    static func refuse(_ fields: [Field], format: String) throws(SQLError) {
        guard let field = fields.first(where: { $0.type.isNested }) else { return }
        throw SQLError(
            .featureNotSupported,
            "column '\(field.name)' is \(field.type): the \(format) format cannot hold nested values",
            hint: "use format 'json'")
    }
}
