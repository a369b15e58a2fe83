/// A SQLSTATE code. An open set: new codes are static members.
public struct SQLState: Hashable, Sendable, CustomStringConvertible {
    public let code: String

    public init(_ code: String) { self.code = code }

    public var description: String { code }

    public static let syntaxError = SQLState("42601")
    public static let undefinedTable = SQLState("42P01")
    public static let undefinedColumn = SQLState("42703")
    public static let ambiguousColumn = SQLState("42702")
    public static let duplicateObject = SQLState("42710")
    public static let duplicateColumn = SQLState("42701")
    public static let duplicateTable = SQLState("42P07")
    public static let datatypeMismatch = SQLState("42804")
    public static let undefinedFunction = SQLState("42883")
    public static let groupingError = SQLState("42803")
    public static let invalidParameterValue = SQLState("22023")
    public static let invalidTextRepresentation = SQLState("22P02")
    /// A SQL/JSON function found nothing, or something it cannot give, under `ERROR ON ...`.
    public static let noSQLJSONItem = SQLState("22035")
    public static let divisionByZero = SQLState("22012")
    public static let numericValueOutOfRange = SQLState("22003")
    public static let featureNotSupported = SQLState("0A000")
    public static let undefinedObject = SQLState("42704")
    public static let ioError = SQLState("58030")
    public static let connectionFailure = SQLState("08006")
    public static let queryCanceled = SQLState("57014")
    public static let insufficientPrivilege = SQLState("42501")
    public static let tooManyConnections = SQLState("53300")
    public static let internalError = SQLState("XX000")
    public static let statementTooComplex = SQLState("54001")
    public static let cardinalityViolation = SQLState("21000")
    public static let objectNotInPrerequisiteState = SQLState("55000")
    public static let invalidColumnReference = SQLState("42P10")
    public static let invalidTableDefinition = SQLState("42P16")
    public static let invalidObjectDefinition = SQLState("42P17")
}
