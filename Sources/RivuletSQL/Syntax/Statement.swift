public import RivuletCore

/// One SQL statement.
public indirect enum Statement: Hashable, Sendable {
    /// `CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name (columns...) [PARTITIONED BY (...)] [WITH (...)]`
    case createRelation(CreateRelation)
    /// `CREATE STREAM|TABLE name [WITH (...)] AS SELECT ...` (ksqlDB CSAS / CTAS)
    case createRelationAsSelect(CreateRelationAsSelect)
    /// `CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)] AS query`
    case createView(CreateView)
    /// `INSERT INTO name [(cols)] query`
    case insertSelect(InsertSelect)
    /// `INSERT INTO name [(cols)] VALUES (...), (...)`
    case insertValues(InsertValues)
    /// A push (`EMIT CHANGES`) or pull query.
    case query(Query)
    /// `SHOW STREAMS | TABLES | QUERIES | ...` (also ksqlDB `LIST ...`)
    case show(Show)
    /// `DESCRIBE [EXTENDED] [STREAM|TABLE] name [EXTENDED]`
    case describe(Describe)
    /// `EXPLAIN statement` or `EXPLAIN query_id`
    case explain(Explain)
    /// `TERMINATE query_id` or `TERMINATE ALL`
    case terminate(Terminate)
    /// `DROP STREAM|TABLE|VIEW [IF EXISTS] name [DELETE TOPIC]`
    case drop(DropRelation)
    /// `SET 'key' = 'value'` or `SET key = value`
    case set(SetOption)
    /// `RESET 'key'` or `RESET` (all)
    case reset(ResetOption)
    /// `CREATE SOURCE|SINK CONNECTOR`, `DESCRIBE CONNECTOR`, `DROP CONNECTOR` (ksqlDB)
    case connector(ConnectorStatement)
    /// `EXECUTE STATEMENT SET BEGIN INSERT ...; ... END` (Flink)
    case statementSet(StatementSet)

    public var span: SourceSpan {
        switch self {
        case .createRelation(let s): return s.span
        case .createRelationAsSelect(let s): return s.span
        case .createView(let s): return s.span
        case .insertSelect(let s): return s.span
        case .insertValues(let s): return s.span
        case .query(let s): return s.span
        case .show(let s): return s.span
        case .describe(let s): return s.span
        case .explain(let s): return s.span
        case .terminate(let s): return s.span
        case .drop(let s): return s.span
        case .set(let s): return s.span
        case .reset(let s): return s.span
        case .connector(let s): return s.span
        case .statementSet(let s): return s.span
        }
    }
}
