import RivuletCore

/// `REGEXP_LIKE(value, pattern)` (Postgres' `value ~ pattern`): whether the pattern matches
/// anywhere in the value. A pattern that does not compile is an error for a literal and NULL
/// for a per-row pattern.
enum RegexKernel {
    static func compile(_ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        guard args.count == 2 else { throw ArithmeticKernels.arity(.regexpLike, args.count) }
        let value = args[0], patternNode = args[1]
        if case .string(let text)? = patternNode.constant, (try? Regex(text)) == nil {
            throw SQLError(.invalidParameterValue, "invalid regular expression '\(text)'")
        }
        // Regex values are not Sendable: each batch compiles the patterns it meets.
        return CompiledNode(type: .boolean, children: [value, patternNode]) { input throws(SQLError) in
            let column = try value.run(input)
            let patterns = try patternNode.run(input)
            var validity = Validity.and(column.validity, patterns.validity)
            var cache: (text: String, regex: Regex<AnyRegexOutput>?)?
            var malformed: [Int] = []
            let values = (0..<input.count).map { i -> Int64 in
                guard validity?.isValid(i) ?? true else { return 0 }
                let text = patterns.strings[i]
                if cache?.text != text { cache = (text, try? Regex(text)) }
                guard let regex = cache?.regex else {
                    malformed.append(i)
                    return 0
                }
                return column.strings[i].contains(regex) ? 1 : 0
            }
            if !malformed.isEmpty { validity = Validity.clearing(malformed, in: validity, count: input.count) }
            return Column.bools(values, validity: validity)
        }
    }
}
