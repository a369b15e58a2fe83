import RivuletCore

/// Scale changes and rounding for DECIMAL values kept as unscaled Int64.
enum DecimalMath {
    @inline(__always)
    static func power(_ exponent: Int) -> Int64 { DecimalFormat.powersOfTen[exponent] }

    /// `value` at scale `from` re-expressed at scale `to`, rounding half away from zero when
    /// digits are dropped; nil on overflow.
    @inline(__always)
    static func rescale(_ value: Int64, from: Int, to: Int) -> Int64? {
        if from == to { return value }
        if to > from {
            let (r, o) = value.multipliedReportingOverflow(by: power(to - from))
            return o ? nil : r
        }
        return divideRounding(value, by: power(from - to))
    }

    /// `value / divisor` rounded half away from zero (divisor > 0).
    @inline(__always)
    static func divideRounding(_ value: Int64, by divisor: Int64) -> Int64 {
        let q = value / divisor
        let r = value % divisor
        if r.magnitude * 2 >= divisor.magnitude { return value < 0 ? q - 1 : q + 1 }
        return q
    }

    /// `numerator / denominator` rounded half away from zero.
    static func divideRounding(_ numerator: Int128, by denominator: Int128) -> Int128 {
        let q = numerator / denominator
        let r = numerator % denominator
        if r.magnitude * 2 >= denominator.magnitude {
            return q + ((numerator < 0) != (denominator < 0) ? -1 : 1)
        }
        return q
    }

    static func power128(_ exponent: Int) -> Int128? {
        exponent <= DecimalFormat.maxPrecision ? DecimalFormat.widePowersOfTen[exponent] : nil
    }

    /// Every Int64 has at most this many digits, so it fits any DECIMAL this precise.
    static let maxInt64Digits = 19

    /// Whether `value` fits DECIMAL(precision, _).
    @inline(__always)
    static func fits(_ value: Int64, precision: Int) -> Bool {
        precision >= maxInt64Digits || value.magnitude < UInt64(power(min(precision, 18)))
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
