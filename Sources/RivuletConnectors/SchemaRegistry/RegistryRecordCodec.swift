import RivuletCore

/// A record encoding whose schemas live in a Schema Registry (ksqlDB's `AVRO`, `JSON_SR`,
/// `PROTOBUF`). Records are framed as `ConfluentFraming` says; the codec reads and writes the
/// body with one registered schema, and makes the schema ksqlDB registers for a relation's
/// columns. A codec is made per schema id and kept for the records that follow.
///
/// `unwrapped` is ksqlDB's single-column shape (a key of one column, or a value with
/// `WRAP_SINGLE_VALUE = false`): the schema is the column's own type, not a record of it.
protocol RegistryRecordCodec {
    /// The registry's `schemaType` of this codec's schemas.
    static var schemaType: String { get }

    /// The schema ksqlDB registers for records of `columns`, its record or message named
    /// `fullName` when one is given; refuses columns the format cannot hold.
    static func schemaText(for columns: [RowField], unwrapped: Bool, fullName: String?) throws(SQLError) -> String

    /// The columns a relation declared without any takes from a registered schema: those of
    /// the record or message `fullName` names within it, else of the schema's first, named
    /// exactly as the schema names its fields.
    static func columns(of schema: RegisteredSchema, named fullName: String?) throws(SQLError) -> [RowField]

    /// Whether ksqlDB upper-cases the column names it infers from this format's latest schema
    /// (a schema given by id keeps its names as they are).
    static var upperCasesInferredNames: Bool { get }

    /// A codec of records holding `columns`, written as the record or message `fullName` names
    /// (ksqlDB's `KEY_SCHEMA_FULL_NAME`, `VALUE_SCHEMA_FULL_NAME`), else the schema's first.
    init(schema: RegisteredSchema, columns: [RowField], fullName: String?) throws(SQLError)

    /// Reads one record body as values of `columns`, or says why it cannot.
    func decode(_ body: UnsafeBufferPointer<UInt8>, columns: [RowField], unwrapped: Bool) -> Result<[Value], RegistryDecodeError>

    /// Appends the body of one record of `values` (one per column).
    func encode(_ values: [Value], columns: [RowField], unwrapped: Bool, into out: inout [UInt8]) throws(SQLError)
}

struct RegistryDecodeError: Error {
    var reason: String
}
