import RivuletCore

/// DECIMAL kernels' shared pieces; scale changes and rounding are `DecimalFormat`'s.
enum DecimalMath {
    static func power128(_ exponent: Int) -> Int128? {
        exponent <= DecimalFormat.maxPrecision ? DecimalFormat.widePowersOfTen[exponent] : nil
    }

    /// A kernel of `type` with `f` of each row's unscaled value (an integer's is itself) and the
    /// row's value of `digits`, if given; NULL in either stays NULL, and a nil from `f` is out of
    /// range for `what`.
    static func mapUnscaled(
        _ x: CompiledNode, digits: CompiledNode? = nil, to type: SQLType, what: String,
        _ f: @escaping @Sendable (_ value: Int128, _ digits: Int64) -> Int128?
    ) -> CompiledNode {
        let limit = DecimalFormat.widePowersOfTen[min(max(type.decimalPrecision, 1), DecimalFormat.maxPrecision)]
        return CompiledNode(type: type, children: [x] + (digits.map { [$0] } ?? []), mayThrow: true) { input throws(SQLError) in
            let column = try x.run(input)
            let counts = try digits?.run(input)
            let validity = Validity.and(column.validity, counts?.validity)
            var out = Column(type: type, capacity: input.count)
            for i in 0..<input.count {
                guard validity?.isValid(i) ?? true else {
                    out.appendUnscaled(0)
                    continue
                }
                guard let r = f(column.unscaled(at: i), counts?.ints[i] ?? 0), type.decimalPrecision == 0 || r.magnitude < limit.magnitude else {
                    throw SQLError(.numericValueOutOfRange, "\(type) out of range: \(what)(\(column.value(at: i, type: x.type)))")
                }
                out.appendUnscaled(r)
            }
            out.validity = validity
            return out
        }
    }
}
