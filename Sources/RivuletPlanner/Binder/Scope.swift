public import RivuletCore
import RivuletSQL

/// The columns visible to expressions at one point of a query, with the names (and table
/// qualifiers) they may be referred to by.
struct Scope {
    struct Column {
        /// Lower-cased names of the table or alias the column belongs to.
        var qualifiers: Set<String>
        var name: String
        var type: SQLType
        /// Whether this column is the event-time attribute (a watermark is defined on it).
        var isEventTime: Bool
        /// Whether this column is a processing-time attribute (`proc AS PROCTIME()`).
        var isProcessingTime = false
        /// A system column (`ROWTIME`, ...): selected by name only, never by `*`.
        var isSystem = false
        /// The relation's own name when the FROM clause gave it an alias. It still qualifies the
        /// column, but, as Postgres hides it, loses to another relation of that name without one
        /// (`FROM pg_class AS ref JOIN pg_class ON ...`: `pg_class.oid` is the second).
        var aliasedName: String? = nil
        /// A column of the enclosing query, seen from a correlated subquery: a name reaches it
        /// only when no column of the subquery's own has that name, as in Postgres.
        var isOuter = false
        /// The second copy of a `JOIN ... USING` column: reached by its qualified name only, and
        /// left out of an unqualified `*`.
        var qualifiedOnly = false
    }

    var columns: [Column]

    init(columns: [Column]) {
        self.columns = columns
    }

    /// The columns of a plan's output, all under `qualifier`.
    init(schema: Schema, qualifier: String?, eventTimeColumn: Int?) {
        let qualifiers: Set<String> = qualifier.map { [$0.lowercased()] } ?? []
        columns = schema.fields.enumerated().map { index, field in
            Column(qualifiers: qualifiers, name: field.name, type: field.type, isEventTime: index == eventTimeColumn)
        }
    }

    /// The columns of a plan's output, all under `qualifier`, with the time attributes it carries.
    init(of plan: StreamPlan, qualifier: String?) {
        self.init(schema: plan.schema, qualifier: qualifier, eventTimeColumn: plan.eventTimeColumn)
        for index in plan.processingTimeColumns { columns[index].isProcessingTime = true }
    }

    /// The index of the column `reference` names.
    func resolve(_ reference: ColumnReference) throws(SQLError) -> Int {
        let name = reference.name.value.lowercased()
        let qualifier = reference.qualifier.last?.value.lowercased()
        var matches = columns.indices.filter { index in
            columns[index].name.lowercased() == name
                && (qualifier == nil ? !columns[index].qualifiedOnly : columns[index].qualifiers.contains(qualifier!))
        }
        if matches.contains(where: { columns[$0].isOuter }), matches.contains(where: { !columns[$0].isOuter }) {
            matches.removeAll { columns[$0].isOuter }
        }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1, let qualifier {
            let unaliased = matches.filter { columns[$0].aliasedName != qualifier }
            if unaliased.count == 1 { return unaliased[0] }
        }
        let written = reference.parts.map(\.value).joined(separator: ".")
        if matches.count > 1 {
            throw SQLError(.ambiguousColumn, "column reference '\(written)' is ambiguous", at: reference.span,
                           hint: "qualify it with a table name or alias")
        }
        if let qualifier, !columns.contains(where: { $0.qualifiers.contains(qualifier) }) {
            throw SQLError(.undefinedTable, "unknown table or alias '\(reference.qualifier.last!.value)' in '\(written)'",
                           at: reference.span)
        }
        let suggestion = closestName(to: reference.name.value, among: columns.map(\.name))
        throw SQLError(.undefinedColumn, "unknown column '\(written)'", at: reference.span,
                       hint: suggestion.map { "did you mean '\($0)'?" })
    }
}

/// The candidate nearest to `name` by edit distance, if it is plausibly a typo: at most
/// `maxDistance` edits away (by default a third of the name's length).
public func closestName(to name: String, among candidates: [String], maxDistance: Int? = nil) -> String? {
    let target = Array(name.lowercased())
    let limit = maxDistance ?? max(1, target.count / 3)
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(target, Array(candidate.lowercased()))
        if distance <= limit, best == nil || distance < best!.1 {
            best = (candidate, distance)
        }
    }
    return best?.0
}

private func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
