import RivuletCore
import RivuletEngine
import RivuletPlanner
import RivuletRuntime

/// What a query task needs to open its sources and sink, away from the engine (which stays
/// inside `QueryManager`): the connector registry, the embedded streams, and where files live.
struct QueryEnvironment: Sendable {
    var registry: ConnectorRegistry
    var embedded: EmbeddedStreamStore
    var materialized: MaterializedTableStore
    var workingDirectory: String
    var dataDirectory: String
    var batchSize: Int

    func context(_ badRecords: BadRecordLog) -> ConnectorContext {
        ConnectorContext(workingDirectory: workingDirectory, dataDirectory: dataDirectory, badRecords: badRecords)
    }

    /// The sink of `relation`; one that retries an unreachable server reports to `health`.
    func makeSink(_ relation: Relation, badRecords: BadRecordLog, health: SinkHealth = SinkHealth()) throws -> any SinkWriter {
        var context = context(badRecords)
        context.sinkHealth = health
        return try registry.factory(for: relation.connector).makeSink(relation, context: context)
    }

    /// A pipeline over `plan`. Following, embedded streams and materialized tables never end:
    /// rows appended and changes applied later flow through (persistent and push queries);
    /// otherwise every source is read as it is now.
    func makePipeline(
        _ plan: StreamPlan, sink: any SinkWriter, follow: Bool, badRecords: BadRecordLog, state: StateOptions = StateOptions()
    ) throws -> QueryPipeline {
        let context = context(badRecords)
        let registry = registry
        let embedded = EmbeddedConnector(store: embedded)
        let materialized = MaterializedTableConnector(store: materialized)
        return try QueryPipeline(
            plan: plan,
            openSource: { scan in
                if scan.relation.connector.connector == "embedded" {
                    return embedded.makeSource(scan.relation, columns: scan.columns, follow: follow)
                }
                if follow, scan.relation.connector.connector == MaterializedTableConnector.name {
                    return materialized.makeFollowingSource(scan.relation, columns: scan.columns)
                }
                return try registry.factory(for: scan.relation.connector).makeSource(scan.relation, columns: scan.columns, context: context)
            },
            sink: sink, batchSize: batchSize, badRecordLog: badRecords, state: state)
    }
}

extension StreamPlan {
    /// The relations the plan reads.
    var sourceRelations: [Relation] {
        if case .scan(let scan) = self { return [scan.relation] }
        return inputs.flatMap(\.sourceRelations)
    }

    /// Names (lower-cased) of the relations the plan reads.
    var sourceNames: Set<String> {
        if case .scan(let scan) = self { return [scan.relation.name.lowercased()] }
        return inputs.reduce(into: Set<String>()) { $0.formUnion($1.sourceNames) }
    }
}
