import RivuletCore

/// CAST between all types, with TRY_CAST semantics: a value that does not convert (text that
/// does not parse, a number out of the target's range, NaN to an integer) becomes NULL, and a
/// cast never traps. DOUBLE and DECIMAL to integers truncate toward zero; to DECIMAL rounds half
/// away from zero. TIMESTAMP ↔ BIGINT is epoch milliseconds, DATE ↔ BIGINT days since the
/// epoch, intervals ↔ BIGINT milliseconds or months. To VARCHAR uses the canonical text forms.
enum CastKernels {
    static func compile(_ x: CompiledNode, to target: SQLType) throws(SQLError) -> CompiledNode {
        let source = x.type
        if source == target { return x }
        if source == .null || x.isNullConstant { return .literal(.null, target) }
        if source.isNested || target.isNested, target != .varchar { return try NestedKernels.cast(x, to: target) }
        if target == .varchar { return toText(x) }
        if case .decimal(_, let scale) = source, target != source {
            switch target {
            case .boolean: return fromDecimal(x, target) { v in v != 0 ? 1 : 0 }
            case .integer, .bigint:
                let (lo, hi) = ArithmeticKernels.range(of: target)
                let divisor = DecimalFormat.widePowersOfTen[scale]
                return fromDecimal(x, target) { v in Int64(exactly: v / divisor).flatMap { $0 >= lo && $0 <= hi ? $0 : nil } }
            case .double:
                return CompiledNode(type: .double, children: [x]) { input throws(SQLError) in
                    let column = try x.run(input)
                    let values = (0..<column.count).map { DecimalFormat.double(unscaled: column.unscaled(at: $0), scale: scale) }
                    return Column(doubles: values, validity: column.validity)
                }
            default: break
            }
        }
        switch (source, target) {
        case (_, .boolean):
            switch source.physical {
            case .bool, .int64: return ints(x, .boolean) { $0 != 0 ? 1 : 0 }
            case .double: return doublesToInts(x, .boolean) { $0 != 0 ? 1 : 0 }
            case .bytes: return parse(x, .boolean) { TextParsing.parseBool($0).map { $0 ? 1 : 0 } }
            case .int128, .list, .struct: break
            }
        case (_, .integer), (_, .bigint):
            let (lo, hi) = ArithmeticKernels.range(of: target)
            switch source {
            case .boolean, .integer, .bigint, .timestamp, .date, .intervalDayTime, .intervalYearMonth:
                if target == .bigint || source == .boolean || source == .integer { return retyped(x, target) }
                return ints(x, target) { $0 >= lo && $0 <= hi ? $0 : nil }
            case .double:
                return doublesToInts(x, target) { d in
                    guard let t = Int64(exactly: d.rounded(.towardZero)), t >= lo, t <= hi else { return nil }
                    return t
                }
            case .varchar:
                return parse(x, target) { text in
                    guard let v = TextParsing.parseInt(text), v >= lo, v <= hi else { return nil }
                    return v
                }
            default: break
            }
        case (_, .decimal(let precision, let scale)):
            guard precision <= DecimalFormat.maxPrecision else { break }
            let limit = DecimalFormat.widePowersOfTen[precision].magnitude
            switch source {
            case .boolean, .integer, .bigint:
                return toDecimal(x, target) { column, i in
                    guard let r = DecimalFormat.rescale(Int128(column.ints[i]), from: 0, to: scale), r.magnitude < limit else { return nil }
                    return r
                }
            case .decimal(let wider, let from):
                // Same scale and room for every value: the values stay as they are.
                if from == scale, precision >= wider, source.physical == target.physical { return retyped(x, target) }
                return toDecimal(x, target) { column, i in
                    guard let r = DecimalFormat.rescale(column.unscaled(at: i), from: from, to: scale), r.magnitude < limit else { return nil }
                    return r
                }
            case .double:
                let factor = Double(DecimalFormat.widePowersOfTen[scale])
                return toDecimal(x, target) { column, i in
                    let scaled = (column.doubles[i] * factor).rounded(.toNearestOrAwayFromZero)
                    guard scaled.isFinite, scaled.magnitude < 1e38, let r = Int128(exactly: scaled), r.magnitude < limit else { return nil }
                    return r
                }
            case .varchar:
                return CompiledNode(type: target, children: [x]) { input throws(SQLError) in
                    let column = try x.run(input)
                    return try withStringView(column.strings) { view throws(SQLError) in
                        decimals(column, target) { _, i in
                            guard let r = DecimalFormat.parse(TextParsing.trimmed(view[i]), scale: scale), r.magnitude < limit else { return nil }
                            return r
                        }
                    }
                }
            default: break
            }
        case (_, .double):
            switch source {
            case .boolean, .integer, .bigint:
                return intsToDoubles(x) { Double($0) }
            case .varchar:
                return CompiledNode(type: .double, children: [x]) { input throws(SQLError) in
                    let column = try x.run(input)
                    var nulls: [Int] = []
                    let values = try withStringView(column.strings) { view throws(SQLError) in
                        (0..<column.count).map { i in
                            if let d = TextParsing.parseDouble(view[i]) { return d }
                            nulls.append(i)
                            return 0
                        }
                    }
                    return Column(doubles: values, validity: cleared(nulls, column))
                }
            default: break
            }
        case (_, .timestamp):
            switch source {
            case .timestamp, .bigint, .integer: return retyped(x, target)
            case .date: return ints(x, target) { d in
                    let (ms, o) = d.multipliedReportingOverflow(by: 86_400_000)
                    return o ? nil : ms
                }
            case .varchar: return parse(x, target) { TimeFormat.parseTimestamp(TextParsing.trimmed($0)) }
            default: break
            }
        case (_, .date):
            switch source {
            case .timestamp: return ints(x, target) { floorDivide($0, 86_400_000) }
            case .bigint, .integer: return retyped(x, target)
            case .varchar:
                return parse(x, target) { text in
                    TimeFormat.parseTimestamp(TextParsing.trimmed(text)).map { floorDivide($0, 86_400_000) }
                }
            default: break
            }
        case (_, .intervalDayTime), (_, .intervalYearMonth):
            if source.isInteger { return retyped(x, target) }
        case (_, .null):
            return .literal(.null, .null)
        default: break
        }
        throw SQLError(.datatypeMismatch, "cannot cast \(source) to \(target)")
    }

    // MARK: Kernel shapes

    /// The same values under another type with the same representation.
    static func retyped(_ x: CompiledNode, _ target: SQLType) -> CompiledNode {
        let kind = target.physical
        return CompiledNode(type: target, children: [x]) { input throws(SQLError) in
            let column = try x.run(input)
            return column.kind == kind ? column : Column(ints: column.ints, kind: kind, validity: column.validity)
        }
    }

    /// Any source → DECIMAL per row, as unscaled values; nil becomes NULL.
    static func toDecimal(_ x: CompiledNode, _ target: SQLType, _ f: @escaping @Sendable (Column, Int) -> Int128?) -> CompiledNode {
        CompiledNode(type: target, children: [x]) { input throws(SQLError) in
            decimals(try x.run(input), target, f)
        }
    }

    /// The DECIMAL column of `target` with `f` of each row of `column` (its NULLs staying NULL).
    static func decimals(_ column: Column, _ target: SQLType, _ f: (Column, Int) -> Int128?) -> Column {
        var out = Column(type: target, capacity: column.count)
        var nulls: [Int] = []
        for i in 0..<column.count {
            if !column.isNull(i), let r = f(column, i) {
                out.appendUnscaled(r)
            } else {
                if !column.isNull(i) { nulls.append(i) }
                out.appendUnscaled(0)
            }
        }
        out.validity = cleared(nulls, column)
        return out
    }

    /// DECIMAL → an Int64-backed type per row; nil becomes NULL.
    static func fromDecimal(_ x: CompiledNode, _ target: SQLType, _ f: @escaping @Sendable (Int128) -> Int64?) -> CompiledNode {
        let kind = target.physical
        return CompiledNode(type: target, children: [x]) { input throws(SQLError) in
            let column = try x.run(input)
            var nulls: [Int] = []
            let values = (0..<column.count).map { i in
                if let r = f(column.unscaled(at: i)) { return r }
                nulls.append(i)
                return Int64(0)
            }
            return Column(ints: values, kind: kind, validity: cleared(nulls, column))
        }
    }

    /// Int64 → Int64 per row; nil becomes NULL.
    static func ints(_ x: CompiledNode, _ target: SQLType, _ f: @escaping @Sendable (Int64) -> Int64?) -> CompiledNode {
        let kind = target.physical
        return CompiledNode(type: target, children: [x]) { input throws(SQLError) in
            let column = try x.run(input)
            var nulls: [Int] = []
            let values = column.ints.enumerated().map { i, v in
                if let r = f(v) { return r }
                nulls.append(i)
                return 0
            }
            return Column(ints: values, kind: kind, validity: cleared(nulls, column))
        }
    }

    static func doublesToInts(_ x: CompiledNode, _ target: SQLType, _ f: @escaping @Sendable (Double) -> Int64?) -> CompiledNode {
        let kind = target.physical
        return CompiledNode(type: target, children: [x]) { input throws(SQLError) in
            let column = try x.run(input)
            var nulls: [Int] = []
            let values = column.doubles.enumerated().map { i, v in
                if let r = f(v) { return r }
                nulls.append(i)
                return 0
            }
            return Column(ints: values, kind: kind, validity: cleared(nulls, column))
        }
    }

    static func intsToDoubles(_ x: CompiledNode, _ f: @escaping @Sendable (Int64) -> Double) -> CompiledNode {
        CompiledNode(type: .double, children: [x]) { input throws(SQLError) in
            let column = try x.run(input)
            return Column(doubles: column.ints.map(f), validity: column.validity)
        }
    }

    /// VARCHAR → Int64-backed type; text that does not parse becomes NULL.
    static func parse(_ x: CompiledNode, _ target: SQLType, _ f: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> Int64?) -> CompiledNode {
        let kind = target.physical
        return CompiledNode(type: target, children: [x]) { input throws(SQLError) in
            let column = try x.run(input)
            var nulls: [Int] = []
            let values = try withStringView(column.strings) { view throws(SQLError) in
                (0..<column.count).map { i in
                    if let r = f(view[i]) { return r }
                    nulls.append(i)
                    return 0
                }
            }
            return Column(ints: values, kind: kind, validity: cleared(nulls, column))
        }
    }

    /// The source validity with `nulls` also marked NULL.
    static func cleared(_ nulls: [Int], _ column: Column) -> Validity? {
        nulls.isEmpty ? column.validity : Validity.clearing(nulls, in: column.validity, count: column.count)
    }

    // MARK: To text

    static func toText(_ x: CompiledNode) -> CompiledNode {
        let type = x.type
        return CompiledNode(type: .varchar, children: [x]) { input throws(SQLError) in
            let column = try x.run(input)
            let n = column.count
            var out = ByteColumn()
            out.offsets.reserveCapacity(n + 1)
            for i in 0..<n {
                if !column.isNull(i) { appendText(column, i, type, to: &out.bytes) }
                out.offsets.append(out.bytes.count)
            }
            return Column(strings: out, validity: column.validity)
        }
    }

    static func appendText(_ column: Column, _ i: Int, _ type: SQLType, to bytes: inout [UInt8]) {
        switch type {
        case .boolean: TextWriting.appendString(column.ints[i] != 0 ? "TRUE" : "FALSE", to: &bytes)
        case .integer, .bigint: TextWriting.appendInt(column.ints[i], to: &bytes)
        case .decimal(_, let scale) where column.kind == .int64: TextWriting.appendDecimal(column.ints[i], scale: scale, to: &bytes)
        case .decimal(_, let scale): TextWriting.appendString(DecimalFormat.text(unscaled: column.wides[i], scale: scale), to: &bytes)
        case .timestamp: TextWriting.appendTimestamp(column.ints[i], to: &bytes)
        case .date: TextWriting.appendDate(column.ints[i], to: &bytes)
        case .varchar: column.strings.withBytes(i) { bytes.append(contentsOf: $0) }
        default: TextWriting.appendString(column.value(at: i, type: type).description, to: &bytes)
        }
    }
}
