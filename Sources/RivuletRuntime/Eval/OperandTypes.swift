import RivuletCore

/// The operand types a kernel computes in come from the binder, which makes every implicit
/// conversion an explicit cast (the planner's `TypeCoercion` holds the rules). Kernels only
/// check them: a mismatch is a planner bug, reported as an internal error.
enum OperandTypes {
    /// `node` as an operand of `type`. A NULL constant, of any type, becomes a NULL of `type`.
    static func require(_ node: CompiledNode, _ type: SQLType, in what: String) throws(SQLError) -> CompiledNode {
        if node.type == type { return node }
        if node.type == .null || node.isNullConstant { return .literal(.null, type) }
        throw SQLError.internal("\(what) was given a \(node.type) operand where the plan says \(type)")
    }

    /// `nodes` as operands of the one type they share (NULL constants aside).
    static func shared(_ nodes: [CompiledNode], in what: String) throws(SQLError) -> (type: SQLType, nodes: [CompiledNode]) {
        let type = nodes.first { $0.type != .null && !$0.isNullConstant }?.type ?? nodes.first { $0.type != .null }?.type ?? .null
        return (type, try nodes.map { node throws(SQLError) in try require(node, type, in: what) })
    }
}
