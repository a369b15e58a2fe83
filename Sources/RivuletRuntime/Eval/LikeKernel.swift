import RivuletCore

/// `value LIKE pattern [ESCAPE e]`. A literal pattern is compiled once; a per-row pattern is
/// recompiled only when it changes from the previous row. There is no default escape character.
enum LikeKernel {
    static func compile(_ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        guard args.count == 2 || args.count == 3 else { throw ArithmeticKernels.arity(.like, args.count) }
        let value = args[0], patternNode = args[1]
        var escapeByte: UInt8?
        if args.count == 3 {
            guard case .string(let e)? = args[2].constant, e.utf8.count == 1 else {
                throw SQLError(.invalidParameterValue, "the LIKE escape must be a single-character literal")
            }
            escapeByte = e.utf8.first
        }
        let escape = escapeByte
        if case .string(let text)? = patternNode.constant {
            let bytes = Array(text.utf8)
            guard let pattern = bytes.withUnsafeBufferPointer({ LikePattern($0, escape: escape) }) else {
                throw SQLError(.invalidParameterValue, "LIKE pattern '\(text)' ends with the escape character")
            }
            let select: Selector = { input throws(SQLError) in
                let column = try value.run(input)
                return try withStringView(column.strings) { view throws(SQLError) in
                    (0..<input.count).filter { !column.isNull($0) && pattern.matches(view[$0]) }
                }
            }
            return CompiledNode(type: .boolean, children: [value], selector: select) { input throws(SQLError) in
                let column = try value.run(input)
                let values = try withStringView(column.strings) { view throws(SQLError) in
                    (0..<input.count).map { pattern.matches(view[$0]) ? Int64(1) : 0 }
                }
                return Column.bools(values, validity: column.validity)
            }
        }
        return CompiledNode(type: .boolean, children: [value, patternNode]) { input throws(SQLError) in
            let column = try value.run(input)
            let patterns = try patternNode.run(input)
            var validity = Validity.and(column.validity, patterns.validity)
            var lastText: [UInt8]?
            var last: LikePattern?
            var malformed: [Int] = []
            let values = (0..<input.count).map { i -> Int64 in
                guard validity?.isValid(i) ?? true else { return 0 }
                let text = patterns.strings.withBytes(i) { Array($0) }
                if text != lastText {
                    lastText = text
                    last = text.withUnsafeBufferPointer { LikePattern($0, escape: escape) }
                }
                guard let last else {
                    malformed.append(i)
                    return 0
                }
                return column.strings.withBytes(i) { last.matches($0) } ? 1 : 0
            }
            if !malformed.isEmpty { validity = Validity.clearing(malformed, in: validity, count: input.count) }
            return Column.bools(values, validity: validity)
        }
    }
}
