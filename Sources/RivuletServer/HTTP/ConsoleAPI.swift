import Foundation
import Logging
import RivuletCore
import RivuletEngine
import RivuletPGWire
import RivuletSQL

/// What the JSON API under `/api/v1` answers, apart from HTTP: the documents of the queries,
/// the catalog and statements. Statements run in a session of their own per request, with the
/// requesting user's role, exactly as they would over pgwire.
struct ConsoleAPI: Sendable {
    let manager: QueryManager
    let rates: QueryRateHistory
    let serverVersion: String
    /// Each user's role; nil on a server without users, where everyone is admin.
    let roles: [String: Role]?
    /// Push queries' starts and ends, at debug level.
    let logger = Logger(label: "rivulet.console")

    func queries() async -> [QuerySummary] {
        await manager.persistentQueries.map { QuerySummary($0, rates: rates.rates(of: $0.id)) }
    }

    /// nil when no query has that id.
    func query(_ id: String, user: String?) async -> QueryDetail? {
        guard let query = await manager.persistentQueries.first(where: { $0.id.caseInsensitiveCompare(id) == .orderedSame })
        else { return nil }
        let summary = QuerySummary(query, rates: rates.rates(of: query.id))
        let graph = OperatorGraph(
            lines: query.operators, metrics: query.status.metrics.operators,
            rates: summary.state == QueryState.running.rawValue ? rates.operatorRates(of: query.id) : [:], sink: query.sink,
            rowsOutPerSecond: summary.rowsOutPerSecond)
        return QueryDetail(
            query: summary, explain: query.explain, graph: graph, badRecords: await badRecords(of: query.id, user: user),
            lateRows: await lateRows(of: query.id, user: user))
    }

    /// The query's newest bad records, read from `rivulet_errors` as a client would.
    private func badRecords(of id: String, user: String?) async -> [QueryDetail.BadRecord] {
        await newestLines(
            "SELECT source, position, raw_text, reason, CAST(error_time AS VARCHAR) FROM rivulet_errors", of: id, user: user
        ).map(QueryDetail.BadRecord.init)
    }

    /// The query's newest late rows, read from `rivulet_late_rows` as a client would.
    private func lateRows(of id: String, user: String?) async -> [QueryDetail.LateRow] {
        await newestLines("""
            SELECT source, operator_name, row_json, CAST(event_time AS VARCHAR), CAST(watermark AS VARCHAR),
              CAST(window_start AS VARCHAR), CAST(window_end AS VARCHAR), CAST(dropped_at AS VARCHAR) FROM rivulet_late_rows
            """, of: id, user: user).map(QueryDetail.LateRow.init)
    }

    /// The newest `QueryDetail.badRecordLimit` rows of an error log table's `select` for query
    /// `id`, newest first. The table lists its lines oldest first (a stream: no ORDER BY but
    /// event time), so the newest are its last.
    private func newestLines(_ select: String, of id: String, user: String?) async -> [[String?]] {
        let escaped = id.replacingOccurrences(of: "'", with: "''")
        guard case .success(let document) = await execute(select + " WHERE query_id = '\(escaped)'", user: user),
              let rows = document.results.first?.rows
        else { return [] }
        return Array(rows.suffix(QueryDetail.badRecordLimit).reversed())
    }

    func catalog() async -> CatalogDocument {
        let contents = manager.catalogSnapshot.current
        let queries = await manager.persistentQueries
        func users(of name: String) -> (reads: [String], writes: [String]) {
            let key = name.lowercased()
            return (
                queries.filter { $0.sources.contains(key) }.map(\.id),
                queries.filter { $0.sink.lowercased() == key }.map(\.id)
            )
        }
        var entries = contents.relations.filter { !$0.name.hasPrefix("rivulet_") }.map { relation -> CatalogDocument.Entry in
            let (reads, writes) = users(of: relation.name)
            return CatalogDocument.Entry(
                name: relation.name, kind: relation.kind == .stream ? "stream" : "table",
                columns: relation.schema.fields.map { CatalogDocument.Column(name: $0.name, type: $0.type.description, nullable: $0.nullable) },
                connector: relation.connector.connector, options: relation.connector.options,
                primaryKey: relation.primaryKey.map { relation.schema[$0].name }, sql: nil, readBy: reads, writtenBy: writes)
        }
        entries += contents.views.map { view in
            let (reads, writes) = users(of: view.name)
            return CatalogDocument.Entry(
                name: view.name, kind: "view",
                columns: view.schema.fields.map { CatalogDocument.Column(name: $0.name, type: $0.type.description, nullable: $0.nullable) },
                connector: nil, options: nil, primaryKey: [], sql: view.sql, readBy: reads, writtenBy: writes)
        }
        return CatalogDocument(relations: entries.sorted { $0.name.lowercased() < $1.name.lowercased() })
    }

    /// A session for one request, with the user's role.
    func session(user: String?) -> EngineSession {
        EngineSession(
            manager: manager, connectors: manager.connectors, serverVersion: serverVersion, user: user ?? "console",
            role: roles.map { $0[user ?? ""] ?? .reader } ?? .admin)
    }

    /// Runs every statement of `sql` (pull queries to the end); fails with the first statement's
    /// error when nothing ran. A later failure is the document's `error`.
    func execute(_ sql: String, user: String?) async -> Result<StatementDocument, ErrorDocument> {
        if Self.isPushQuery(sql) {
            return .failure(ErrorDocument(
                code: SQLState.featureNotSupported.code, message: "a push query (EMIT CHANGES or EMIT FINAL) streams its rows: POST it to /api/v1/push"))
        }
        let session = session(user: user)
        defer { Task { await session.close() } }
        let outcomes: [StatementOutcome]
        do {
            outcomes = try await session.execute(sql)
        } catch {
            return .failure(Self.errorDocument(error))
        }
        var document = StatementDocument(results: [], error: nil)
        for outcome in outcomes {
            switch outcome {
            case .command(let tag):
                document.results.append(StatementDocument.Result(tag: tag, columns: nil, rows: nil))
            case .rows(let source):
                do {
                    var rows: [[String?]] = []
                    for try await batch in source.batches { rows += batch.map { $0.map(\.pgText) } }
                    document.results.append(StatementDocument.Result(
                        tag: "\(source.verb) \(rows.count)", columns: Self.columns(source.schema), rows: rows))
                } catch {
                    document.error = Self.errorDocument(error)
                    return document.results.isEmpty ? .failure(document.error!) : .success(document)
                }
            case .failed(let error):
                document.error = ErrorDocument(error)
                return .success(document)
            }
        }
        return .success(document)
    }

    /// Whether `sql` is one `SELECT ... EMIT CHANGES` or `EMIT FINAL`, whose rows keep coming until cancelled.
    static func isPushQuery(_ sql: String) -> Bool {
        guard let statements = try? parseScript(sql), statements.count == 1, case .query(let query) = statements[0].statement
        else { return false }
        return query.emit != nil
    }

    static func columns(_ schema: Schema) -> [StatementDocument.Column] {
        schema.fields.map { StatementDocument.Column(name: $0.name, type: $0.type.description) }
    }

    static func errorDocument(_ error: any Error) -> ErrorDocument {
        if let error = error as? SQLError { return ErrorDocument(error) }
        return ErrorDocument(code: SQLState.internalError.code, message: "\(error)")
    }
}
