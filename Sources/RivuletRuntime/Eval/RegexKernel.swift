import RivuletCore
import RivuletPlanner

/// Regular expressions: `REGEXP_LIKE(value, pattern)` (Postgres' `value ~ pattern`, Flink's
/// `REGEXP`): whether the pattern matches anywhere in the value; Flink's
/// `REGEXP_EXTRACT(value, pattern, group)`: group `group` (0 the whole match) of the first match,
/// NULL when nothing matches, the group did not take part or the pattern has no such group; and
/// `REGEXP_REPLACE(value, pattern, replacement)`: every match replaced by the replacement, taken
/// literally (as Flink does: `$1` is not a group reference). A pattern that does not compile is
/// an error for a literal and NULL for a per-row pattern.
enum RegexKernel {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        let arity = function == .regexpLike ? 2 : 3
        guard args.count == arity else { throw ArithmeticKernels.arity(function, args.count) }
        if case .string(let text)? = args[1].constant, (try? Regex(text)) == nil {
            throw SQLError(.invalidParameterValue, "invalid regular expression '\(text)'")
        }
        switch function {
        case .regexpExtract:
            return text(args) { pattern, cols, row, out in
                let group = Int(cols[2].ints[row])
                let strings = cols[0].strings
                if let machine = pattern.machine, let captures = strings.withBytes(row, { machine.firstMatch(in: $0) }) {
                    guard !captures.isEmpty, group >= 0, group <= machine.groupCount, captures[2 * group] >= 0 else { return false }
                    strings.withBytes(row) { out.append(contentsOf: $0[captures[2 * group]..<captures[2 * group + 1]]) }
                    return true
                }
                guard let match = strings[row].firstMatch(of: pattern.regex), group >= 0, group < match.output.count,
                      let substring = match.output[group].substring else { return false }
                out.append(contentsOf: substring.utf8)
                return true
            }
        case .regexpReplace:
            return text(args) { pattern, cols, row, out in
                if let machine = pattern.machine, let replaced = cols[0].strings.withBytes(row, { value in
                    cols[2].strings.withBytes(row) { machine.replacingAll(in: value, with: $0) }
                }) {
                    out.append(contentsOf: replaced)
                    return true
                }
                out.append(contentsOf: cols[0].strings[row].replacing(pattern.regex, with: cols[2].strings[row]).utf8)
                return true
            }
        default:
            return matches(args)
        }
    }

    /// A pattern compiled twice: for the byte machine, which answers for ASCII rows, and as
    /// Swift's Regex, which answers for the rest and whose compiling decides that it is valid.
    private struct CompiledPattern {
        let regex: Regex<AnyRegexOutput>
        let machine: ByteRegex?
    }

    /// Regex values are not Sendable: each batch compiles the patterns it meets, keeping the last.
    private struct PatternCache {
        var text: String?
        var pattern: CompiledPattern?

        mutating func pattern(_ text: String) -> CompiledPattern? {
            if self.text != text {
                self.text = text
                pattern = (try? Regex(text)).map { CompiledPattern(regex: $0, machine: ByteRegex(text)) }
            }
            return pattern
        }
    }

    private static func matches(_ args: [CompiledNode]) -> CompiledNode {
        let value = args[0], patternNode = args[1]
        return CompiledNode(type: .boolean, children: args) { input throws(SQLError) in
            let column = try value.run(input)
            let patterns = try patternNode.run(input)
            var validity = Validity.and(column.validity, patterns.validity)
            var cache = PatternCache()
            var malformed: [Int] = []
            let values = (0..<input.count).map { i -> Int64 in
                guard validity?.isValid(i) ?? true else { return 0 }
                guard let pattern = cache.pattern(patterns.strings[i]) else {
                    malformed.append(i)
                    return 0
                }
                if let machine = pattern.machine, let captures = column.strings.withBytes(i, { machine.firstMatch(in: $0) }) {
                    return captures.isEmpty ? 0 : 1
                }
                return column.strings[i].contains(pattern.regex) ? 1 : 0
            }
            if !malformed.isEmpty { validity = Validity.clearing(malformed, in: validity, count: input.count) }
            return Column.bools(values, validity: validity)
        }
    }

    /// A VARCHAR computed per row from the value, its compiled pattern and the other columns;
    /// `row` returns false for NULL. A NULL argument or a malformed pattern gives NULL.
    private static func text(
        _ args: [CompiledNode],
        _ row: @escaping @Sendable (CompiledPattern, [Column], Int, inout [UInt8]) -> Bool
    ) -> CompiledNode {
        CompiledNode(type: .varchar, children: args) { input throws(SQLError) in
            let cols = try args.map { arg throws(SQLError) in try arg.run(input) }
            var validity = Validity.and(cols.map(\.validity))
            var cache = PatternCache()
            var out = ByteColumn()
            var nulls: [Int] = []
            for i in 0..<input.count {
                if validity?.isValid(i) ?? true {
                    if let pattern = cache.pattern(cols[1].strings[i]), row(pattern, cols, i, &out.bytes) {
                    } else {
                        nulls.append(i)
                    }
                }
                out.offsets.append(out.bytes.count)
            }
            if !nulls.isEmpty { validity = Validity.clearing(nulls, in: validity, count: input.count) }
            return Column(strings: out, validity: validity)
        }
    }
}
