public import RivuletCore
public import RivuletPlanner

/// Compiles a bound expression into typed batch kernels, once per query.
///
/// Constant subexpressions are folded at compile time, so `ts > CAST('2024-01-01' AS
/// TIMESTAMP)` or `x * (2 + 3)` compare or multiply against one scalar per batch.
public enum ExpressionCompiler {
    public static func compile(_ expr: BoundExpr) throws(SQLError) -> CompiledExpression {
        try compile(expr, clock: WallClock.now)
    }

    /// Compiles with an explicit clock for CURRENT_TIMESTAMP (read once per evaluated batch).
    public static func compile(_ expr: BoundExpr, clock: @escaping @Sendable () -> Int64) throws(SQLError) -> CompiledExpression {
        CompiledExpression(expression: expr, root: try node(expr), clock: clock)
    }

    static func node(_ expr: BoundExpr) throws(SQLError) -> CompiledNode {
        switch expr {
        case .column(let index, let type):
            return .column(index, type)
        case .literal(let value, let type):
            return .literal(value, type)
        case .cast(let inner, let type):
            let child = try node(inner)
            return fold(try CastKernels.compile(child, to: type), children: [child])
        case .call(let function, let args, let type):
            let children = try args.map { arg throws(SQLError) in try node(arg) }
            if isStrict(function), children.contains(where: \.isNullConstant) {
                return .literal(.null, type)
            }
            let compiled = try call(function, children, args: args, type: type)
            return fold(compiled, children: children)
        }
    }

    static func call(_ function: ScalarFunction, _ children: [CompiledNode], args: [BoundExpr], type: SQLType) throws(SQLError) -> CompiledNode {
        switch function {
        case .add, .subtract, .multiply, .divide, .modulo, .negate:
            return try ArithmeticKernels.compile(function, children, type: type)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return try ComparisonKernels.compile(function, children)
        case .and, .or, .not, .isNull, .isNotNull, .isTrue, .isFalse:
            return try LogicKernels.compile(function, children)
        case .like:
            return try LikeKernel.compile(children)
        case .regexpLike, .regexpExtract, .regexpReplace:
            return try RegexKernel.compile(function, children)
        case .inList:
            return try InListKernel.compile(children)
        case .caseWhen, .coalesce, .nullIf:
            return try ConditionalKernels.compile(function, children, args: args, type: type)
        case .upper, .lower, .initCap, .concat, .charLength, .trim, .ltrim, .rtrim, .substring, .splitIndex, .replace, .position,
            .formatType, .regtype, .regtypeNames, .sizePretty:
            return try StringFunctions.compile(function, children, type: type)
        case .overlay, .leftPad, .rightPad, .repeatText, .reverse, .left, .right, .ascii, .chr, .concatWithSeparator, .translate,
            .toBase64, .fromBase64, .bin, .hex:
            return try StringEditing.compile(function, children, type: type)
        case .md5, .sha1, .sha224, .sha256, .sha384, .sha512, .sha2:
            return try DigestFunctions.compile(function, children)
        case .jsonString, .jsonValue, .jsonQuery, .jsonExists, .isJSON, .jsonQuote, .jsonUnquote:
            return try JSONFunctions.compile(function, children, type: type)
        case .jsonArray, .jsonObject:
            let nested = args.map { arg in
                switch arg {
                case .call(.jsonArray, _, _), .call(.jsonObject, _, _): true
                default: false
                }
            }
            return try JSONConstructors.compile(function, children, nested: nested)
        case .abs, .round, .floor, .ceil, .power, .sqrt, .ln, .exp, .geoDistance:
            return try MathFunctions.compile(function, children, type: type)
        case .log10, .log2, .logBase, .degrees, .radians, .sin, .cos, .tan, .cot, .asin, .acos, .atan, .atan2, .sinh, .cosh, .tanh,
            .sign, .truncate:
            return try ScientificFunctions.compile(function, children, type: type)
        case .extract, .dateFormat, .toTimestamp, .currentTimestamp, .proctime, .timestampAddInterval:
            return try TimeFunctions.compile(function, children, type: type)
        case .floorTime, .ceilTime, .timestampAdd, .timestampDiff, .unixTimestamp, .fromUnixtime, .toDate:
            return try TimeFunctions.compileUnitFunction(function, children, type: type)
        case .makeArray, .makeMap, .makeRow, .arrayElement, .mapValue, .rowField, .cardinality, .element, .arrayContains,
            .arrayDistinct, .arraySum, .arrayJoin, .arrayConcat, .integerSeries, .mapKeys, .mapValues, .slice,
            .arrayMax, .arrayMin, .arraySort, .arrayRemove, .arrayExcept, .arrayIntersect, .arrayUnion, .mapEntries,
            .mapFromArrays, .mapUnion:
            return try NestedKernels.compile(function, children, type: type)
        }
    }

    /// Functions whose result is NULL whenever any argument is NULL.
    static func isStrict(_ function: ScalarFunction) -> Bool {
        switch function {
        case .and, .or, .isNull, .isNotNull, .isTrue, .isFalse, .inList, .caseWhen, .coalesce, .nullIf, .currentTimestamp, .proctime:
            return false
        // A NULL unit is kilometres.
        case .geoDistance:
            return false
        // CONCAT_WS skips NULL strings; NULL IS JSON is FALSE; the JSON functions' NULLs have
        // their own rules (ON NULL, DEFAULT NULL).
        case .concatWithSeparator, .isJSON, .jsonArray, .jsonObject, .jsonValue, .jsonQuery, .jsonExists:
            return false
        // Nested values hold NULLs; ARRAY_CONTAINS may look for one.
        case .makeArray, .makeMap, .makeRow, .arrayContains, .arrayConcat, .arrayRemove, .mapUnion:
            return false
        default:
            return true
        }
    }

    /// Evaluates a node over constant children once, at compile time. Nodes that fail (say,
    /// overflow) stay unfolded so the error surfaces when the query runs, as it would unfolded.
    static func fold(_ compiled: CompiledNode, children: [CompiledNode]) -> CompiledNode {
        guard compiled.constant == nil, !compiled.usesClock, children.allSatisfy({ $0.constant != nil }) else { return compiled }
        let input = EvalInput(batch: RowBatch(columns: [], count: 1), now: 0)
        guard let column = try? compiled.run(input), column.count == 1 else { return compiled }
        let type = compiled.type
        var folded = CompiledNode.literal(column.value(at: 0, type: type), type)
        folded.mayThrow = false
        return folded
    }
}
