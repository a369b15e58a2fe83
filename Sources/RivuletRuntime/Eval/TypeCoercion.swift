import RivuletCore

/// Finds the type two operands of a comparison, IN list or conditional share when the binder
/// left them different (it normally makes every cast explicit; this keeps the runtime total).
enum TypeCoercion {
    static func common(_ a: SQLType, _ b: SQLType) -> SQLType {
        if a == b || b == .null { return a }
        if a == .null { return b }
        switch (a, b) {
        case (.decimal(let p1, let s1), .decimal(let p2, let s2)):
            let scale = max(s1, s2)
            return .decimal(precision: min(18, max(p1 - s1, p2 - s2) + scale), scale: scale)
        case (.double, _) where b.isNumeric, (_, .double) where a.isNumeric: return .double
        case (.decimal, .integer), (.decimal, .bigint): return a
        case (.integer, .decimal), (.bigint, .decimal): return b
        case (.integer, .bigint), (.bigint, .integer): return .bigint
        case (.timestamp, .date), (.timestamp, .varchar): return a
        case (.date, .timestamp), (.varchar, .timestamp): return b
        case (.varchar, _): return b
        case (_, .varchar): return a
        default: return a
        }
    }

    static func common(_ types: [SQLType]) -> SQLType {
        types.dropFirst().reduce(types.first ?? .null) { common($0, $1) }
    }

    /// Whether values of the two types can be compared without a cast.
    static func sameRepresentation(_ a: SQLType, _ b: SQLType) -> Bool {
        if a == b || a == .null || b == .null { return true }
        if a.isInteger && b.isInteger { return true }
        if a.isTimestamp && b.isTimestamp { return true }
        return false
    }

    /// `node` cast to `type` unless it already has that representation.
    static func coerce(_ node: CompiledNode, to type: SQLType) throws(SQLError) -> CompiledNode {
        if node.type == .null || node.isNullConstant { return .literal(.null, type) }
        if sameRepresentation(node.type, type) { return node }
        return ExpressionCompiler.fold(try CastKernels.compile(node, to: type), children: [node])
    }
}
