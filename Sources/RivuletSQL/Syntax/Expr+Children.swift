extension Expr {
    /// The direct sub-expressions (not descending into subqueries).
    public var children: [Expr] {
        switch self {
        case .column, .literal, .parameter, .currentDateTime, .scalarSubquery, .exists: return []
        case .unary(let e): return [e.operand]
        case .binary(let e): return [e.left, e.right]
        case .isNull(let e): return [e.expr]
        case .isJSON(let e): return [e.expr]
        case .like(let e): return [e.expr, e.pattern] + (e.escape.map { [$0] } ?? [])
        case .inList(let e): return [e.expr] + e.list
        case .inSubquery(let e): return [e.expr]
        case .between(let e): return [e.expr, e.low, e.high]
        case .function(let e): return e.arguments + (e.filter.map { [$0] } ?? []) + (e.json?.defaults ?? [])
        case .caseWhen(let e):
            return (e.operand.map { [$0] } ?? []) + e.branches.flatMap { [$0.condition, $0.result] } + (e.elseResult.map { [$0] } ?? [])
        case .cast(let e): return [e.expr]
        case .extract(let e): return [e.expr]
        case .substring(let e): return [e.expr, e.start] + (e.length.map { [$0] } ?? [])
        case .trim(let e): return [e.expr] + (e.characters.map { [$0] } ?? [])
        case .keywordCall(let e): return e.arguments
        case .constructor(let e): return e.items
        case .subscript(let e): return [e.base, e.index]
        case .fieldAccess(let e): return [e.base]
        }
    }
}

extension Expr {
    /// The expression with each direct sub-expression (those `children` lists) replaced by
    /// `transform`'s result: one step of a rewrite, which `transform` recurses through.
    public func replacingChildren(_ transform: (Expr) throws -> Expr) rethrows -> Expr {
        switch self {
        case .column, .literal, .parameter, .currentDateTime, .scalarSubquery, .exists:
            return self
        case .unary(var e):
            e.operand = try transform(e.operand)
            return .unary(e)
        case .binary(var e):
            e.left = try transform(e.left)
            e.right = try transform(e.right)
            return .binary(e)
        case .isJSON(var e):
            e.expr = try transform(e.expr)
            return .isJSON(e)
        case .isNull(var e):
            e.expr = try transform(e.expr)
            return .isNull(e)
        case .like(var e):
            e.expr = try transform(e.expr)
            e.pattern = try transform(e.pattern)
            e.escape = try e.escape.map(transform)
            return .like(e)
        case .inList(var e):
            e.expr = try transform(e.expr)
            e.list = try e.list.map(transform)
            return .inList(e)
        case .inSubquery(var e):
            e.expr = try transform(e.expr)
            return .inSubquery(e)
        case .between(var e):
            e.expr = try transform(e.expr)
            e.low = try transform(e.low)
            e.high = try transform(e.high)
            return .between(e)
        case .function(var e):
            e.arguments = try e.arguments.map(transform)
            e.filter = try e.filter.map(transform)
            if case .default(let expr)? = e.json?.onEmpty { e.json?.onEmpty = .default(try transform(expr)) }
            if case .default(let expr)? = e.json?.onError { e.json?.onError = .default(try transform(expr)) }
            return .function(e)
        case .caseWhen(var e):
            e.operand = try e.operand.map(transform)
            for index in e.branches.indices {
                e.branches[index].condition = try transform(e.branches[index].condition)
                e.branches[index].result = try transform(e.branches[index].result)
            }
            e.elseResult = try e.elseResult.map(transform)
            return .caseWhen(e)
        case .cast(var e):
            e.expr = try transform(e.expr)
            return .cast(e)
        case .extract(var e):
            e.expr = try transform(e.expr)
            return .extract(e)
        case .substring(var e):
            e.expr = try transform(e.expr)
            e.start = try transform(e.start)
            e.length = try e.length.map(transform)
            return .substring(e)
        case .trim(var e):
            e.expr = try transform(e.expr)
            e.characters = try e.characters.map(transform)
            return .trim(e)
        case .keywordCall(var e):
            e.arguments = try e.arguments.map(transform)
            return .keywordCall(e)
        case .constructor(var e):
            e.items = try e.items.map(transform)
            return .constructor(e)
        case .subscript(var e):
            e.base = try transform(e.base)
            e.index = try transform(e.index)
            return .subscript(e)
        case .fieldAccess(var e):
            e.base = try transform(e.base)
            return .fieldAccess(e)
        }
    }
}
