import RivuletCore
import RivuletPlanner

/// The parts every join operator shares: reading key and row values from either input,
/// testing the residual condition on candidate pairs, and building the joined output rows
/// (left columns, then right columns, NULL-padded for outer rows).
struct JoinMatcher {
    let leftTypes: [SQLType]
    let rightTypes: [SQLType]
    let leftKeys: [Int]
    let rightKeys: [Int]
    let residual: CompiledExpression?
    var output: ChangelogBuilder

    init(_ plan: StreamPlan.Join, changelog: Bool) throws(SQLError) {
        leftTypes = plan.left.schema.types
        rightTypes = plan.right.schema.types
        leftKeys = plan.leftKeys
        rightKeys = plan.rightKeys
        residual = try plan.residual.map { e throws(SQLError) in try ExpressionCompiler.compile(e) }
        output = ChangelogBuilder(types: leftTypes + rightTypes, isChangelog: changelog)
    }

    func types(_ port: Int) -> [SQLType] { port == 0 ? leftTypes : rightTypes }

    /// The join key of a row; nil when a key value is NULL (NULL never equals anything).
    func key(_ batch: RowBatch, _ row: Int, port: Int) -> [Value]? {
        let columns = port == 0 ? leftKeys : rightKeys
        let types = self.types(port)
        var key: [Value] = []
        key.reserveCapacity(columns.count)
        for column in columns {
            let value = batch.columns[column].value(at: row, type: types[column])
            if value.isNull { return nil }
            key.append(value)
        }
        return key
    }

    func values(_ batch: RowBatch, _ row: Int, port: Int) -> [Value] {
        batch.row(row, types: types(port))
    }

    /// For each candidate of the other side, whether it satisfies the residual condition with `row`.
    func residualHolds(_ row: [Value], port: Int, candidates: [[Value]]) throws -> [Bool] {
        let pairs = candidates.map { port == 0 ? (left: row, right: $0) : (left: $0, right: row) }
        return try residualHolds(pairs: pairs) ?? Array(repeating: true, count: candidates.count)
    }

    /// For each (left, right) pair, whether it satisfies the residual condition: all tested in
    /// one batch. nil when there is no residual condition (every pair holds).
    func residualHolds(pairs: [(left: [Value], right: [Value])]) throws -> [Bool]? {
        guard let residual else { return nil }
        var holds = Array(repeating: false, count: pairs.count)
        guard !pairs.isEmpty else { return holds }
        var batch = RowBatch(types: leftTypes + rightTypes, capacity: pairs.count)
        for pair in pairs { batch.appendRow(pair.left + pair.right) }
        for index in try residual.select(batch) { holds[index] = true }
        return holds
    }

    mutating func emit(left: [Value]?, right: [Value]?, kind: RowKind = .insert) {
        for i in leftTypes.indices {
            if let left { output.columns[i].append(left[i]) } else { output.columns[i].appendNull() }
        }
        let base = leftTypes.count
        for i in rightTypes.indices {
            if let right { output.columns[base + i].append(right[i]) } else { output.columns[base + i].appendNull() }
        }
        output.finishRow(kind)
    }

    mutating func flush(into collector: inout Collector) {
        output.flush(into: &collector)
    }
}
