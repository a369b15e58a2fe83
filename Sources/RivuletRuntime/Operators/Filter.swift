public import RivuletCore
public import RivuletPlanner

/// Keeps the rows whose predicate is TRUE (FALSE and NULL drop), with their row kinds and
/// arrival watermarks. A batch where every row passes is forwarded as is, without copying.
///
/// An update (`-U` then `+U`) of which one half passes changes kind: only the old row passing is
/// a delete (`-D`), only the new one an insert (`+I`), so that an upsert sink, which applies the
/// `+U` of a pair and skips its `-U`, still removes a row that stops matching.
public final class Filter: RowwiseOperator {
    public let predicate: CompiledExpression

    public init(predicate: BoundExpr) throws(SQLError) {
        guard predicate.type == .boolean || predicate.type == .null else {
            throw SQLError(.datatypeMismatch, "WHERE needs a BOOLEAN condition, not \(predicate.type)")
        }
        self.predicate = try ExpressionCompiler.compile(predicate)
    }

    public func transform(_ batch: RowBatch) throws -> (rows: RowBatch, origins: [Int]?) {
        let rows = try predicate.select(batch)
        if rows.count == batch.count { return (batch, nil) }
        guard let kinds = batch.kinds, kinds.contains(.updateBefore) else { return (batch.gather(rows), rows) }
        var passes = [Bool](repeating: false, count: batch.count)
        for row in rows { passes[row] = true }
        var kept: [Int] = []
        var keptKinds: [RowKind] = []
        var row = 0
        while row < batch.count {
            if kinds[row] == .updateBefore, row + 1 < batch.count, kinds[row + 1] == .updateAfter {
                switch (passes[row], passes[row + 1]) {
                case (true, true): kept += [row, row + 1]; keptKinds += [.updateBefore, .updateAfter]
                case (true, false): kept.append(row); keptKinds.append(.delete)
                case (false, true): kept.append(row + 1); keptKinds.append(.insert)
                case (false, false): break
                }
                row += 2
                continue
            }
            if passes[row] { kept.append(row); keptKinds.append(kinds[row]) }
            row += 1
        }
        var filtered = batch.gather(kept)
        filtered.kinds = keptKinds
        return (filtered, kept)
    }

    public var stateFormat: StateFormat { StateFormat(kind: "filter", version: 1) }
}
