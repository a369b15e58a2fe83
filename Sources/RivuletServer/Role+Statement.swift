import RivuletSQL

extension Role {
    /// The least role that may run `statement`. SET and RESET change the session's own options
    /// and are everyone's.
    static func required(for statement: Statement) -> Role {
        switch statement {
        case .query, .show, .describe, .explain, .set, .reset: .reader
        case .createRelation, .createRelationAsSelect, .createView, .insertSelect, .insertValues, .statementSet: .writer
        case .connector(.describe): .reader
        case .terminate, .drop, .connector: .admin
        }
    }

    /// The statement's leading words, for a refusal.
    static func verb(of statement: Statement) -> String {
        switch statement {
        case .createRelation, .createRelationAsSelect, .createView: "CREATE"
        case .insertSelect, .insertValues: "INSERT"
        case .statementSet: "EXECUTE STATEMENT SET"
        case .query: "SELECT"
        case .show: "SHOW"
        case .describe: "DESCRIBE"
        case .explain: "EXPLAIN"
        case .terminate: "TERMINATE"
        case .drop: "DROP"
        case .set: "SET"
        case .reset: "RESET"
        case .connector(.create): "CREATE CONNECTOR"
        case .connector(.describe): "DESCRIBE CONNECTOR"
        case .connector(.drop): "DROP CONNECTOR"
        }
    }
}
