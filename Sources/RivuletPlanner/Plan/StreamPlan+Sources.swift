extension StreamPlan {
    /// The relations the plan reads.
    public var sourceRelations: [Relation] {
        if case .scan(let scan) = self { return [scan.relation] }
        return inputs.flatMap(\.sourceRelations)
    }

    /// Names (lower-cased) of the relations the plan reads.
    public var sourceNames: Set<String> {
        Set(sourceRelations.map { $0.name.lowercased() })
    }
}
