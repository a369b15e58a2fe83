import RivuletCore
import RivuletPlanner

/// CASE, COALESCE and NULLIF. A branch whose evaluation could fail (integer overflow) is
/// evaluated only on the rows that reach it, so `CASE WHEN x < 100 THEN x * x END` cannot fail
/// on a row the condition excluded.
enum ConditionalKernels {
    static func compile(_ function: ScalarFunction, _ children: [CompiledNode], args: [BoundExpr], type: SQLType) throws(SQLError) -> CompiledNode {
        let columns = args.map(\.referencedColumns)
        switch function {
        case .caseWhen:
            guard children.count % 2 == 1 else { throw ArithmeticKernels.arity(function, children.count) }
            var conditions: [Branch] = [], results: [Branch] = []
            for k in stride(from: 0, to: children.count - 1, by: 2) {
                conditions.append(Branch(node: children[k], columns: columns[k]))
                results.append(Branch(node: try OperandTypes.require(children[k + 1], type, in: "CASE"), columns: columns[k + 1]))
            }
            results.append(Branch(node: try OperandTypes.require(children[children.count - 1], type, in: "CASE"), columns: columns[children.count - 1]))
            return caseWhen(conditions, results, type: type, children: children)
        case .coalesce:
            guard !children.isEmpty else { throw ArithmeticKernels.arity(function, 0) }
            let branches = try children.indices.map { k throws(SQLError) in
                Branch(node: try OperandTypes.require(children[k], type, in: "COALESCE"), columns: columns[k])
            }
            return coalesce(branches, type: type, children: children)
        case .nullIf:
            guard children.count == 2 else { throw ArithmeticKernels.arity(function, children.count) }
            let value = try OperandTypes.require(children[0], type, in: "NULLIF")
            let equal = try ComparisonKernels.compile(.equal, children)
            return CompiledNode(type: type, children: [value, equal]) { input throws(SQLError) in
                let column = try value.run(input)
                let same = try equal.run(input).trueRows()
                return same.isEmpty ? column : column.with(validity: Validity.clearing(same, in: column.validity, count: input.count))
            }
        default:
            throw SQLError.internal("\(function) is not a conditional")
        }
    }

    struct Branch: Sendable {
        let node: CompiledNode
        let columns: Set<Int>

        /// The node's column over `rows` (nil: all rows). Row j of the result is `rows[j]`
        /// when `subset` is true, else row j of the batch.
        func evaluate(_ input: EvalInput, rows: [Int]?) throws(SQLError) -> (column: Column, subset: Bool) {
            guard let rows, node.mayThrow, rows.count < input.count else { return (try node.run(input), false) }
            let subset = EvalInput(batch: input.batch.gather(rows, columns: columns), now: input.now)
            return (try node.run(subset), true)
        }
    }

    static func caseWhen(_ conditions: [Branch], _ results: [Branch], type: SQLType, children: [CompiledNode]) -> CompiledNode {
        CompiledNode(type: type, children: children) { input throws(SQLError) in
            let n = input.count
            var branchOf = [Int](repeating: conditions.count, count: n)
            var remaining: [Int]? = nil
            for (k, condition) in conditions.enumerated() {
                if remaining?.isEmpty ?? false { break }
                let (column, subset) = try condition.evaluate(input, rows: remaining)
                var stillRemaining: [Int] = []
                for (j, row) in (remaining ?? Array(0..<n)).enumerated() {
                    if column.isTrue(subset ? j : row) { branchOf[row] = k } else { stillRemaining.append(row) }
                }
                remaining = stillRemaining
            }
            return try assemble(results, branchOf: branchOf, input: input, type: type)
        }
    }

    static func coalesce(_ branches: [Branch], type: SQLType, children: [CompiledNode]) -> CompiledNode {
        CompiledNode(type: type, children: children) { input throws(SQLError) in
            let n = input.count
            var branchOf = [Int](repeating: branches.count - 1, count: n)
            var remaining: [Int]? = nil
            var evaluated: [Int: (Column, Bool)] = [:]
            for (k, branch) in branches.enumerated().dropLast() {
                if remaining?.isEmpty ?? false { break }
                let (column, subset) = try branch.evaluate(input, rows: remaining)
                if remaining == nil, column.validity == nil { return column }
                evaluated[k] = (column, subset)
                var stillRemaining: [Int] = []
                for (j, row) in (remaining ?? Array(0..<n)).enumerated() {
                    if column.isNull(subset ? j : row) { stillRemaining.append(row) } else { branchOf[row] = k }
                }
                remaining = stillRemaining
            }
            return try assemble(branches, branchOf: branchOf, input: input, type: type, evaluated: evaluated)
        }
    }

    /// Builds the result by taking each row from the branch it selected.
    static func assemble(
        _ branches: [Branch], branchOf: [Int], input: EvalInput, type: SQLType, evaluated: [Int: (Column, Bool)] = [:]
    ) throws(SQLError) -> Column {
        let n = input.count
        var rowsOf = [[Int]](repeating: [], count: branches.count)
        for (row, k) in branchOf.enumerated() { rowsOf[k].append(row) }
        if let only = rowsOf.firstIndex(where: { $0.count == n }), n > 0 {
            if let (column, subset) = evaluated[only], !subset { return column }
            return try branches[only].node.run(input)
        }
        var columns: [(Column, Bool)?] = Array(repeating: nil, count: branches.count)
        for k in branches.indices where !rowsOf[k].isEmpty {
            if let (column, subset) = evaluated[k], !subset {
                columns[k] = (column, false)
            } else {
                columns[k] = try branches[k].evaluate(input, rows: rowsOf[k])
            }
        }
        var out = Column(type: type, capacity: n)
        var position = [Int](repeating: 0, count: branches.count)
        for row in 0..<n {
            let k = branchOf[row]
            let (column, subset) = columns[k]!
            out.append(from: column, row: subset ? position[k] : row)
            position[k] += 1
        }
        return out
    }
}
