import RivuletCore
import RivuletPlanner
import RivuletSQL

/// The message key of a ksqlDB join's result. A join on columns is keyed by the first selected
/// column that is a side of an `ON` equality; a join whose outermost `ON` compares two
/// expressions, or a `FULL OUTER` join (where either side may be missing), is keyed by ksqlDB's
/// synthetic `ROWKEY`: the non-NULL one of the joined values. Either key must be selected.
struct KsqlJoinKey {
    /// The sides of every `ON` equality, innermost join first.
    private var sides: [Expr] = []
    /// Whether the key is the synthetic `ROWKEY`.
    let synthetic: Bool
    static let syntheticName = "ROWKEY"

    /// The key of the join in `from`, or nil when it holds no join.
    init?(_ from: [TableReference]) {
        guard from.count == 1, case .join(let top) = from[0] else { return nil }
        var sides: [Expr] = []
        func visit(_ reference: TableReference) {
            guard case .join(let join) = reference else { return }
            visit(join.left)
            visit(join.right)
            guard let condition = join.condition else { return }
            var pending = [condition]
            while let expr = pending.popLast() {
                guard case .binary(let binary) = expr else { continue }
                if binary.op == .and { pending += [binary.right, binary.left]; continue }
                if binary.op == .equal { sides += [binary.left, binary.right] }
            }
        }
        visit(from[0])
        self.sides = sides
        // The outermost equality's side and every side equal to it through the other joins.
        var keyClass: [Expr] = Array(sides.suffix(2))
        var grew = true
        while grew {
            grew = false
            let texts = Set(keyClass.map { $0.description.uppercased() })
            for pair in stride(from: 0, to: sides.count - 1, by: 2) {
                let (a, b) = (sides[pair], sides[pair + 1])
                let inA = texts.contains(a.description.uppercased()), inB = texts.contains(b.description.uppercased())
                if inA != inB {
                    keyClass.append(inA ? b : a)
                    grew = true
                }
            }
        }
        let classTexts = Set(keyClass.map { $0.description.uppercased() })
        keyColumns = sides.compactMap { side in
            if case .column(let reference) = side, classTexts.contains(side.description.uppercased()) { reference } else { nil }
        }
        synthetic = top.kind == .full || keyColumns.isEmpty
        func hasOuterJoin(_ reference: TableReference) -> Bool {
            guard case .join(let join) = reference else { return false }
            return join.kind != .inner || hasOuterJoin(join.left) || hasOuterJoin(join.right)
        }
        outer = hasOuterJoin(from[0])
    }

    /// Whether a side of some join may be missing (LEFT or RIGHT), so a key column may be NULL on its side.
    private let outer: Bool

    /// The columns the result may be keyed by, in the order the equalities name them.
    private let keyColumns: [ColumnReference]

    /// The synthetic key's value: the first non-NULL side of the equalities.
    var value: Expr { .function(FunctionCall(name: ObjectName("COALESCE"), arguments: sides)) }

    /// The select list with the synthetic key in place: `ROWKEY` (which no source declares)
    /// becomes the non-NULL joined value, and an unqualified `*` starts with it.
    func selectingSyntheticKey(_ items: [SelectItem], sources: [Relation]) -> [SelectItem] {
        guard synthetic, !sides.isEmpty, !sources.contains(where: { $0.schema.firstIndex(of: Self.syntheticName) != nil }) else { return items }
        return items.flatMap { item -> [SelectItem] in
            switch item {
            case .wildcard(let wildcard) where wildcard.qualifier == nil:
                return [.expression(SelectExpression(expr: value, alias: Identifier(Self.syntheticName), span: wildcard.span)), item]
            case .expression(var selected):
                guard case .column(let reference) = selected.expr, reference.parts.count == 1,
                      reference.name.value.uppercased() == Self.syntheticName else { return [item] }
                selected.expr = value
                selected.alias = selected.alias ?? Identifier(Self.syntheticName)
                return [.expression(selected)]
            default:
                return [item]
            }
        }
    }

    /// The select list with the key column `keyName` holding the join key itself, as ksqlDB keys
    /// a join: in an outer join the selected side's column is NULL where that side is missing,
    /// so the key is the first non-NULL column of the key's equalities (equal wherever present).
    func selectingJoinedKey(_ items: [SelectItem], itemNames: [String?], keyName: String) -> [SelectItem] {
        guard outer, !synthetic else { return items }
        var texts = Set<String>()
        let columns = keyColumns.filter { texts.insert($0.description.uppercased()).inserted }
        guard columns.count > 1 else { return items }
        var items = items
        for index in items.indices where index < itemNames.count && itemNames[index] == keyName {
            guard case .expression(var selected) = items[index], case .column = selected.expr else { continue }
            selected.expr = .function(FunctionCall(name: ObjectName("COALESCE"), arguments: columns.map { .column($0) }))
            selected.alias = Identifier(keyName, quoted: true)
            items[index] = .expression(selected)
        }
        return items
    }

    /// The names of the result's key columns, among `outputs`; refuses a projection without the key.
    func keyNames(
        outputs: [KsqlKafkaSink.Output], sourceIndex: (ColumnReference) -> Int?, target: String, at span: SourceSpan
    ) throws(SQLError) -> [String] {
        if synthetic {
            if let key = outputs.first(where: { $0.synthetic }) { return [key.name] }
            throw SQLError(.groupingError,
                           "Key missing from projection (ie, SELECT). The query used to build `\(target)` must include the join expression ROWKEY in its projection (eg, SELECT ROWKEY...). ROWKEY was added as a synthetic key column because the join criteria did not match any source column.",
                           at: span, hint: "select ROWKEY (or ROWKEY AS name)")
        }
        var joinColumns: [(source: Int, column: String, text: String)] = []
        for reference in keyColumns {
            guard let source = sourceIndex(reference) else { continue }
            let text = reference.parts.map { $0.value.uppercased() }.joined(separator: ".")
            if !joinColumns.contains(where: { $0.text == text }) { joinColumns.append((source, reference.name.value.lowercased(), text)) }
        }
        // As ksqlDB: the join columns are tried source by source (the left one first), each
        // against the whole projection, so `SELECT r.*, l.id` keys by `L_ID`.
        for joinColumn in joinColumns.enumerated().sorted(by: { ($0.element.source, $0.offset) < ($1.element.source, $1.offset) }).map(\.element) {
            if let output = outputs.first(where: { $0.origin?.source == joinColumn.source && $0.origin?.column == joinColumn.column }) {
                return [output.name]
            }
        }
        let names = joinColumns.map(\.text)
        let listed = names.count == 1 ? "expression \(names[0])" : "expressions " + names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        throw SQLError(.groupingError, "The query used to build `\(target)` must include the join \(listed) in its projection (eg, SELECT \(names.first ?? "")...).",
                       at: span, hint: "select the join column: it becomes the message key")
    }
}
