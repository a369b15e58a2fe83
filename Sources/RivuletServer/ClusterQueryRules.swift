import RivuletCore
import RivuletEngine
import RivuletPlanner

/// Which persistent queries the servers of a cluster can run, each over its share of the
/// source partitions: only those whose result is the same however the partitions are split —
/// filters, projections, UNNEST and window table functions other than SESSION over one Kafka stream. Anything
/// that keeps state needs its rows grouped by key across all partitions (a repartition through
/// Kafka) and its state moved with its partitions (changelog topics), which clusters do not
/// have yet; such queries are refused when planned.
enum ClusterQueryRules {
    static let supported =
        "in a cluster, persistent queries may filter, project, UNNEST and apply TUMBLE, HOP or CUMULATE (without aggregation) "
        + "to one Kafka stream; run other queries on a server started without --cluster"

    static func check(_ prepared: PreparedQuery, at span: SourceSpan?) throws(SQLError) {
        let plan = prepared.query.plan
        let sources = plan.sourceRelations
        guard sources.count == 1, let source = sources.first else {
            throw refusal("the query reads \(sources.count) inputs, and in a cluster each server reads only its share of each input's "
                + "partitions, so rows of different inputs meeting in one query would need a repartition", at: span)
        }
        guard source.connector.connector == "kafka", source.kind == .stream else {
            let what = source.kind == .table ? "a table" : "not a Kafka topic ('connector' = '\(source.connector.connector)')"
            throw refusal("'\(source.name)' is \(what): in a cluster every server runs the query over its share of a Kafka "
                + "stream's partitions, and rows of \(source.kind == .table ? "a table replace each other by key" : "other sources would be read by every server")",
                at: span)
        }
        if let sink = prepared.sink, sink.connector.options["sink.delivery-guarantee"]?.lowercased() == "exactly-once" {
            throw refusal("'\(sink.name)' writes in Kafka transactions named after the query, which the servers of a cluster "
                + "would share and fence each other with; in a cluster, Kafka sinks deliver at least once", at: span)
        }
        if let stateful = firstStateful(plan) {
            throw refusal("\(stateful) needs a repartition: it groups rows by key across all partitions of '\(source.name)', "
                + "but in a cluster each server reads only some of them, and rows are not yet redistributed by key through Kafka", at: span)
        }
    }

    private static func refusal(_ message: String, at span: SourceSpan?) -> SQLError {
        var error = SQLError(.featureNotSupported, message, at: span)
        error.hint = supported
        return error
    }

    /// What keeps state in `plan`, in words; nil when nothing does.
    private static func firstStateful(_ plan: StreamPlan) -> String? {
        switch plan {
        case .scan, .filter, .project, .unnest: break
        case .windowTable(let node):
            // TUMBLE, HOP and CUMULATE place each row alone; a session gathers rows across partitions.
            if case .session = node.window.kind { return "a SESSION window table function" }
        case .windowAggregate: return "a windowed aggregation"
        case .groupAggregate: return "an aggregation (GROUP BY)"
        case .join, .semiJoin: return "a join"
        case .topN: return "a Top-N or deduplication (ROW_NUMBER() OVER)"
        case .union: return "a UNION"
        case .overAggregate: return "an OVER aggregation"
        case .matchRecognize: return "MATCH_RECOGNIZE"
        case .expand: return "GROUPING SETS"
        case .multisetOperation: return "a set operation (INTERSECT / EXCEPT)"
        }
        return plan.inputs.lazy.compactMap(firstStateful).first
    }
}
