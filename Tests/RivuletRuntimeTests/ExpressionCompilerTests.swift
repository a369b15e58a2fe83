import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

// Shared builders for the expression tests.

func col(_ index: Int, _ type: SQLType) -> BoundExpr { .column(index, type) }
func lit(_ value: Value, _ type: SQLType) -> BoundExpr { .literal(value, type) }
func fn(_ function: ScalarFunction, _ type: SQLType, _ args: BoundExpr...) -> BoundExpr { .call(function, args, type) }

func batch(_ types: [SQLType], _ rows: [[Value]], kinds: [RowKind]? = nil) -> RowBatch {
    var batch = RowBatch(types: types)
    for (i, row) in rows.enumerated() { batch.appendRow(row, kind: kinds?[i] ?? .insert) }
    return batch
}

/// Evaluates `expr` over one column holding `values` and boxes the result.
func eval(_ expr: BoundExpr, _ type: SQLType, _ values: [Value]) throws -> [Value] {
    try eval(expr, [type], values.map { [$0] })
}

func eval(_ expr: BoundExpr, _ types: [SQLType], _ rows: [[Value]]) throws -> [Value] {
    let compiled = try ExpressionCompiler.compile(expr)
    let input = batch(types, rows)
    let column = try compiled.evaluate(input)
    #expect(column.count == rows.count)
    return (0..<column.count).map { column.value(at: $0, type: compiled.type) }
}

/// Evaluates an expression over constants only (a one-row batch with no columns).
func evalConstant(_ expr: BoundExpr) throws -> Value {
    let column = try ExpressionCompiler.compile(expr).evaluate(RowBatch(columns: [], count: 1))
    return column.value(at: 0, type: expr.type)
}

let T = Value.boolean(true), F = Value.boolean(false), N = Value.null

@Suite struct ExpressionArithmeticTests {
    @Test func integerArithmeticOnColumnsAndLiterals() throws {
        let rows: [[Value]] = [[.int(7), .int(2)], [.int(-7), .int(2)], [.null, .int(1)], [.int(5), .null]]
        let types: [SQLType] = [.bigint, .bigint]
        #expect(try eval(fn(.add, .bigint, col(0, .bigint), col(1, .bigint)), types, rows) == [.int(9), .int(-5), N, N])
        #expect(try eval(fn(.multiply, .bigint, col(0, .bigint), lit(.int(3), .bigint)), types, rows) == [.int(21), .int(-21), N, .int(15)])
        #expect(try eval(fn(.subtract, .bigint, lit(.int(1), .bigint), col(0, .bigint)), types, rows) == [.int(-6), .int(8), N, .int(-4)])
        // Division truncates toward zero; MOD takes the dividend's sign.
        #expect(try eval(fn(.divide, .bigint, col(0, .bigint), col(1, .bigint)), types, rows) == [.int(3), .int(-3), N, N])
        #expect(try eval(fn(.modulo, .bigint, col(0, .bigint), lit(.int(3), .bigint)), types, rows) == [.int(1), .int(-1), N, .int(2)])
    }

    @Test func divisionByZeroIsNullNotAnError() throws {
        let rows: [[Value]] = [[.int(10), .int(0)], [.int(10), .int(5)]]
        let types: [SQLType] = [.bigint, .bigint]
        #expect(try eval(fn(.divide, .bigint, col(0, .bigint), col(1, .bigint)), types, rows) == [N, .int(2)])
        #expect(try eval(fn(.modulo, .bigint, col(0, .bigint), lit(.int(0), .bigint)), types, rows) == [N, N])
        #expect(try eval(fn(.modulo, .bigint, lit(.int(Int64.min), .bigint), lit(.int(-1), .bigint)), types, rows) == [.int(0), .int(0)])
    }

    @Test func overflowIsAnErrorNotATrap() throws {
        let expr = fn(.add, .bigint, col(0, .bigint), lit(.int(1), .bigint))
        #expect(throws: SQLError.self) { try eval(expr, .bigint, [.int(1), .int(Int64.max)]) }
        do {
            _ = try eval(expr, .bigint, [.int(Int64.max)])
        } catch let error as SQLError {
            #expect(error.state == .numericValueOutOfRange)
        }
        #expect(throws: SQLError.self) { try eval(fn(.divide, .bigint, col(0, .bigint), lit(.int(-1), .bigint)), .bigint, [.int(Int64.min)]) }
        #expect(throws: SQLError.self) { try eval(fn(.negate, .bigint, col(0, .bigint)), .bigint, [.int(Int64.min)]) }
        // INT keeps 32-bit range.
        #expect(throws: SQLError.self) { try eval(fn(.multiply, .integer, col(0, .integer), lit(.int(2), .integer)), .integer, [.int(Int64(Int32.max))]) }
    }

    @Test func overflowInANullRowIsIgnored() throws {
        // Row 1 is NULL in the other operand, so its garbage sum must not raise.
        var input = batch([.bigint, .bigint], [[.int(1), .int(2)], [.int(Int64.max), .null]])
        input.columns[1].ints[1] = 5
        let compiled = try ExpressionCompiler.compile(fn(.add, .bigint, col(0, .bigint), col(1, .bigint)))
        let out = try compiled.evaluate(input)
        #expect(out.value(at: 0, type: .bigint) == .int(3))
        #expect(out.isNull(1))
    }

    @Test func decimalScalesAreRescaledWithHalfUpRounding() throws {
        let d2 = SQLType.decimal(precision: 10, scale: 2), d1 = SQLType.decimal(precision: 10, scale: 1)
        let types = [d2, d1]
        let rows: [[Value]] = [[.decimal(unscaled: 125, scale: 2), .decimal(unscaled: 15, scale: 1)]]  // 1.25, 1.5
        #expect(try eval(fn(.add, d2, col(0, d2), col(1, d1)), types, rows) == [.decimal(unscaled: 275, scale: 2)])
        #expect(try eval(fn(.subtract, d2, col(0, d2), col(1, d1)), types, rows) == [.decimal(unscaled: -25, scale: 2)])
        // 1.25 * 1.5 = 1.875 → 1.88 at scale 2 (half up).
        #expect(try eval(fn(.multiply, d2, col(0, d2), col(1, d1)), types, rows) == [.decimal(unscaled: 188, scale: 2)])
        // 1.25 / 1.5 = 0.8333… → 0.833 at scale 3.
        let d3 = SQLType.decimal(precision: 10, scale: 3)
        #expect(try eval(fn(.divide, d3, col(0, d2), col(1, d1)), types, rows) == [.decimal(unscaled: 833, scale: 3)])
        // Negative halves round away from zero: -1.25 * 1.5 = -1.875 → -1.88.
        let negative: [[Value]] = [[.decimal(unscaled: -125, scale: 2), .decimal(unscaled: 15, scale: 1)]]
        #expect(try eval(fn(.multiply, d2, col(0, d2), col(1, d1)), types, negative) == [.decimal(unscaled: -188, scale: 2)])
        #expect(try eval(fn(.divide, d3, col(0, d2), lit(.decimal(unscaled: 0, scale: 1), d1)), types, rows) == [N])
    }

    @Test func doubleArithmeticFollowsIEEE() throws {
        let rows: [[Value]] = [[.double(1.5), .double(0)], [.double(-3), .double(2)]]
        let types: [SQLType] = [.double, .double]
        #expect(try eval(fn(.divide, .double, col(0, .double), col(1, .double)), types, rows) == [.double(.infinity), .double(-1.5)])
        #expect(try eval(fn(.modulo, .double, col(0, .double), lit(.double(1), .double)), types, rows) == [.double(0.5), .double(-0.0)])
        #expect(try eval(fn(.negate, .double, col(0, .double)), types, rows) == [.double(-1.5), .double(3)])
    }

    @Test func constantSubexpressionsFold() throws {
        let compiled = try ExpressionCompiler.compile(fn(.add, .bigint, lit(.int(2), .bigint), lit(.int(3), .bigint)))
        #expect(compiled.constant == .int(5))
        #expect(try ExpressionCompiler.compile(col(1, .varchar)).columnIndex == 1)
    }
}

@Suite struct ExpressionComparisonTests {
    @Test func comparesIntsDoublesAndNulls() throws {
        let rows: [[Value]] = [[.int(1)], [.int(5)], [.null]]
        #expect(try eval(fn(.less, .boolean, col(0, .bigint), lit(.int(3), .bigint)), [.bigint], rows) == [T, F, N])
        #expect(try eval(fn(.greaterOrEqual, .boolean, lit(.int(5), .bigint), col(0, .bigint)), [.bigint], rows) == [T, T, N])
        #expect(try eval(fn(.notEqual, .boolean, col(0, .double), lit(.double(1), .double)), .double, [.double(1), .double(2), N]) == [F, T, N])
        #expect(try eval(fn(.equal, .boolean, col(0, .bigint), lit(.null, .bigint)), [.bigint], rows) == [N, N, N])
    }

    @Test func varcharComparesUTF8BytesLexicographically() throws {
        let rows: [[Value]] = [[.string("B"), .string("a")], [.string("é"), .string("z")], [.string("ab"), .string("abc")], [.string(""), .string("")]]
        let types: [SQLType] = [.varchar, .varchar]
        #expect(try eval(fn(.less, .boolean, col(0, .varchar), col(1, .varchar)), types, rows) == [T, F, T, F])
        #expect(try eval(fn(.equal, .boolean, col(0, .varchar), col(1, .varchar)), types, rows) == [F, F, F, T])
        #expect(try eval(fn(.greater, .boolean, col(0, .varchar), lit(.string("b"), .varchar)), types, rows) == [F, T, F, F])
    }

    @Test func selectKeepsOnlyTrueRowsWithAndWithoutValidity() throws {
        let predicate = try ExpressionCompiler.compile(fn(.equal, .boolean, fn(.modulo, .bigint, col(0, .bigint), lit(.int(3), .bigint)), lit(.int(0), .bigint)))
        #expect(try predicate.select(batch([.bigint], (0..<7).map { [.int(Int64($0))] })) == [0, 3, 6])
        #expect(try predicate.select(batch([.bigint], [[.int(3)], [.null], [.int(4)], [.int(9)]])) == [0, 3])
        let direct = try ExpressionCompiler.compile(fn(.greater, .boolean, col(0, .bigint), lit(.int(2), .bigint)))
        #expect(try direct.select(batch([.bigint], [[.int(3)], [.null], [.int(1)], [.int(9)]])) == [0, 3])
    }
    /// The binder casts operands to the types kernels compute in; a kernel never picks a
    /// conversion itself, so operands of other types are a planner bug.
    @Test func operandsOfTypesThePlanDidNotChooseAreAnInternalError() throws {
        let mismatches: [BoundExpr] = [
            fn(.equal, .boolean, col(0, .bigint), lit(.int(1), .integer)),
            fn(.less, .boolean, col(0, .bigint), lit(.double(1), .double)),
            fn(.add, .bigint, col(0, .bigint), lit(.int(1), .integer)),
            fn(.multiply, .decimal(precision: 18, scale: 2), col(0, .bigint), lit(.decimal(unscaled: 100, scale: 2), .decimal(precision: 3, scale: 2))),
            fn(.inList, .boolean, col(0, .bigint), lit(.int(1), .bigint), lit(.double(2), .double)),
            fn(.coalesce, .bigint, col(0, .bigint), lit(.int(1), .integer)),
        ]
        for expr in mismatches {
            #expect(throws: SQLError.self) { try ExpressionCompiler.compile(expr) }
            do { _ = try ExpressionCompiler.compile(expr) } catch { #expect(error.state == .internalError, "\(expr)") }
        }
        // A NULL constant stands for a NULL of any type.
        #expect(try eval(fn(.equal, .boolean, col(0, .bigint), lit(.null, .null)), .bigint, [.int(1)]) == [N])
    }
}

@Suite struct ExpressionLogicTests {
    static let pairs: [(Value, Value)] = [(T, T), (T, F), (T, N), (F, T), (F, F), (F, N), (N, T), (N, F), (N, N)]

    func truthTable(_ function: ScalarFunction) throws -> [Value] {
        try eval(fn(function, .boolean, col(0, .boolean), col(1, .boolean)), [.boolean, .boolean], Self.pairs.map { [$0.0, $0.1] })
    }

    @Test func andUsesThreeValuedLogic() throws {
        #expect(try truthTable(.and) == [T, F, N, F, F, F, N, F, N])
    }

    @Test func orUsesThreeValuedLogic() throws {
        #expect(try truthTable(.or) == [T, T, T, T, F, N, T, N, N])
    }

    @Test func notAndIsTests() throws {
        let values = [T, F, N]
        #expect(try eval(fn(.not, .boolean, col(0, .boolean)), .boolean, values) == [F, T, N])
        #expect(try eval(fn(.isNull, .boolean, col(0, .boolean)), .boolean, values) == [F, F, T])
        #expect(try eval(fn(.isNotNull, .boolean, col(0, .boolean)), .boolean, values) == [T, T, F])
        #expect(try eval(fn(.isTrue, .boolean, col(0, .boolean)), .boolean, values) == [T, F, F])
        #expect(try eval(fn(.isFalse, .boolean, col(0, .boolean)), .boolean, values) == [F, T, F])
        #expect(try eval(fn(.isNull, .boolean, col(0, .bigint)), .bigint, [.int(1)]) == [F])
    }

    @Test func selectOfConjunctionsAndDisjunctions() throws {
        let a = fn(.greater, .boolean, col(0, .bigint), lit(.int(1), .bigint))
        let b = fn(.less, .boolean, col(0, .bigint), lit(.int(5), .bigint))
        let input = batch([.bigint], [[.int(0)], [.int(2)], [.null], [.int(4)], [.int(7)]])
        #expect(try ExpressionCompiler.compile(fn(.and, .boolean, a, b)).select(input) == [1, 3])
        #expect(try ExpressionCompiler.compile(fn(.or, .boolean, fn(.not, .boolean, a), fn(.not, .boolean, b))).select(input) == [0, 4])
        #expect(throws: SQLError.self) { try ExpressionCompiler.compile(col(0, .bigint)).select(input) }
    }
}

@Suite struct ExpressionConditionalTests {
    @Test func caseWhenPicksTheFirstTrueBranch() throws {
        let expr = fn(.caseWhen, .varchar,
                      fn(.less, .boolean, col(0, .bigint), lit(.int(0), .bigint)), lit(.string("negative"), .varchar),
                      fn(.equal, .boolean, col(0, .bigint), lit(.int(0), .bigint)), lit(.string("zero"), .varchar),
                      lit(.null, .varchar))
        #expect(try eval(expr, .bigint, [.int(-2), .int(0), .int(3), .null]) == [.string("negative"), .string("zero"), N, N])
    }

    @Test func caseDoesNotEvaluateABranchOnRowsThatSkipIt() throws {
        // x * x overflows for the big value, but that row takes the ELSE branch.
        let expr = fn(.caseWhen, .bigint,
                      fn(.less, .boolean, col(0, .bigint), lit(.int(1000), .bigint)),
                      fn(.multiply, .bigint, col(0, .bigint), col(0, .bigint)),
                      lit(.int(-1), .bigint))
        #expect(try eval(expr, .bigint, [.int(3), .int(Int64.max), .int(10)]) == [.int(9), .int(-1), .int(100)])
    }

    @Test func coalesceAndNullIf() throws {
        let rows: [[Value]] = [[.null, .int(2)], [.int(1), .int(3)], [.null, .null]]
        let types: [SQLType] = [.bigint, .bigint]
        let coalesce = fn(.coalesce, .bigint, col(0, .bigint), col(1, .bigint), lit(.int(0), .bigint))
        #expect(try eval(coalesce, types, rows) == [.int(2), .int(1), .int(0)])
        let nullIf = fn(.nullIf, .bigint, col(1, .bigint), lit(.int(3), .bigint))
        #expect(try eval(nullIf, types, rows) == [.int(2), N, N])
        // No NULLs in the first argument: the column passes through unchanged.
        #expect(try eval(fn(.coalesce, .bigint, col(0, .bigint), lit(.int(9), .bigint)), .bigint, [.int(4)]) == [.int(4)])
    }

    @Test func inListWithLiteralsAndNulls() throws {
        let list = fn(.inList, .boolean, col(0, .varchar), lit(.string("a"), .varchar), lit(.string("bé"), .varchar))
        #expect(try eval(list, .varchar, [.string("a"), .string("bé"), .string("c"), N]) == [T, T, F, N])
        let withNull = fn(.inList, .boolean, col(0, .bigint), lit(.int(1), .bigint), lit(.null, .bigint))
        #expect(try eval(withNull, .bigint, [.int(1), .int(2)]) == [T, N])
        let columns = fn(.inList, .boolean, col(0, .bigint), col(1, .bigint), lit(.int(7), .bigint))
        #expect(try eval(columns, [.bigint, .bigint], [[.int(1), .int(1)], [.int(7), .int(0)], [.int(2), .null], [.int(3), .int(4)]]) == [T, T, N, F])
        let many = BoundExpr.call(.inList, [col(0, .double)] + (0..<20).map { lit(.double(Double($0)), .double) }, .boolean)
        #expect(try eval(many, .double, [.double(19), .double(19.5)]) == [T, F])
    }
}
