import RivuletCore
import RivuletPlanner
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ABS, ROUND (half away from zero, optional digits), FLOOR, CEIL, POWER, SQRT, LN, EXP, GEO_DISTANCE.
/// MOD is `ScalarFunction.modulo`, in `ArithmeticKernels`. DOUBLE results follow IEEE 754
/// (SQRT(-1) is NaN, LN(0) is -Infinity).
enum MathFunctions {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode], type: SQLType) throws(SQLError) -> CompiledNode {
        guard let x = args.first else { throw ArithmeticKernels.arity(function, 0) }
        switch function {
        case .abs:
            if x.type.physical == .double { return unary(x) { Swift.abs($0) } }
            if case .decimal = x.type { return DecimalMath.mapUnscaled(x, to: x.type, what: "ABS") { v, _ in v.magnitude < Int128.max.magnitude ? Swift.abs(v) : nil } }
            let (lo, hi) = ArithmeticKernels.range(of: x.type)
            return CompiledNode(type: x.type, children: [x], mayThrow: true) { input throws(SQLError) in
                let column = try x.run(input)
                var failed: Int64?
                let values = column.ints.enumerated().map { i, v -> Int64 in
                    if v < 0 {
                        if v == Int64.min || -v > hi || -v < lo {
                            if !column.isNull(i) { failed = v }
                            return 0
                        }
                        return -v
                    }
                    return v
                }
                if let failed { throw SQLError(.numericValueOutOfRange, "\(x.type) out of range: ABS(\(failed))") }
                return Column(ints: values, kind: .int64, validity: column.validity)
            }
        case .round:
            guard args.count <= 2 else { throw ArithmeticKernels.arity(function, args.count) }
            let digits = args.count == 2 ? try CastKernels.compile(args[1], to: .bigint) : CompiledNode.literal(.int(0), .bigint)
            return try round(x, digits, type: type)
        case .floor, .ceil:
            let up = function == .ceil
            switch x.type {
            case .double: return unary(x) { up ? $0.rounded(.up) : $0.rounded(.down) }
            case .decimal(let precision, let scale):
                let divisor = DecimalFormat.widePowersOfTen[scale]
                let node = DecimalMath.mapUnscaled(x, to: .decimal(precision: min(precision - scale + 1, DecimalFormat.maxPrecision), scale: 0), what: up ? "CEIL" : "FLOOR") { v, _ in
                    let (q, r) = v.quotientAndRemainder(dividingBy: divisor)
                    let floor = r < 0 ? q - 1 : q
                    return up && r != 0 ? floor + 1 : floor
                }
                return try declared(node, type)
            default: return x
            }
        case .power:
            guard args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
            let base = try OperandTypes.require(args[0], .double, in: "POWER")
            let exponent = try OperandTypes.require(args[1], .double, in: "POWER")
            return CompiledNode(type: .double, children: [base, exponent]) { input throws(SQLError) in
                let (a, va) = try base.doubles(input)
                let (b, vb) = try exponent.doubles(input)
                return Column(doubles: (0..<input.count).map { pow(a[$0], b[$0]) }, validity: Validity.and(va, vb))
            }
        case .sqrt, .ln, .exp:
            let arg = try OperandTypes.require(x, .double, in: function.rawValue.uppercased())
            switch function {
            case .sqrt: return unary(arg) { $0.squareRoot() }
            case .ln: return unary(arg) { log($0) }
            default: return unary(arg) { exp($0) }
            }
        case .geoDistance:
            return try geoDistance(args)
        default:
            throw SQLError.internal("\(function) is not a math function")
        }
    }

    /// ROUND(x, d): to d digits after the point (d < 0 rounds to tens, hundreds, ...).
    static func round(_ x: CompiledNode, _ digits: CompiledNode, type: SQLType) throws(SQLError) -> CompiledNode {
        if x.type == .double {
            return CompiledNode(type: .double, children: [x, digits]) { input throws(SQLError) in
                let values = try x.run(input), d = try digits.run(input)
                let out = (0..<input.count).map { i -> Double in
                    let factor = pow(10, Double(d.ints[i]))
                    let scaled = (values.doubles[i] * factor).rounded(.toNearestOrAwayFromZero) / factor
                    return scaled.isFinite ? scaled : values.doubles[i]
                }
                return Column(doubles: out, validity: Validity.and(values.validity, d.validity))
            }
        }
        let scale = x.type.decimalScale
        let node = DecimalMath.mapUnscaled(x, digits: digits, to: x.type, what: "ROUND") { v, d in
            let drop = scale - Int(clamping: d)
            guard drop > 0 else { return v }
            guard drop <= DecimalFormat.maxPrecision else { return 0 }
            let p = DecimalFormat.widePowersOfTen[drop]
            let (r, o) = DecimalFormat.divideRounding(v, by: p).multipliedReportingOverflow(by: p)
            return o ? v : r
        }
        return try declared(node, type)
    }

    /// A kernel's result, computed in a type of its own (DECIMAL(18, 0) for FLOOR, the
    /// argument's scale for ROUND), as the call's declared type.
    /// The haversine distance between two points given in degrees, as ksqlDB's GEO_DISTANCE
    /// computes it; a latitude outside ±90 or a longitude outside ±180 fails the row.
    static func geoDistance(_ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        guard args.count == 5 else { throw ArithmeticKernels.arity(.geoDistance, args.count) }
        var required: [CompiledNode] = []
        for arg in args.prefix(4) { required.append(try OperandTypes.require(arg, .double, in: "GEO_DISTANCE")) }
        let points = required
        let unit = args[4]
        return CompiledNode(type: .double, children: points + [unit], mayThrow: true) { input throws(SQLError) in
            var columns: [DoublesArg] = []
            var validities: [Validity?] = []
            for operand in points {
                let (values, valid) = try operand.doubles(input)
                columns.append(values)
                validities.append(valid)
            }
            let validity = Validity.and(validities)
            let units = unit.isNullConstant ? nil : try unit.run(input)
            var distances = [Double](repeating: 0, count: input.count)
            for row in 0..<input.count where validity?.isValid(row) ?? true {
                var radius = GeoDistanceUnit.kilometres
                if let units, !units.isNull(row) {
                    guard let known = units.strings.withBytes(row, { GeoDistanceUnit.earthRadius($0) }) else {
                        throw SQLError(.invalidParameterValue, GeoDistanceUnit.unknown(units.strings.withBytes(row) { String(decoding: $0, as: UTF8.self) }))
                    }
                    radius = known
                }
                let (lat1, lon1, lat2, lon2) = (columns[0][row], columns[1][row], columns[2][row], columns[3][row])
                if let latitude = !(-90...90).contains(lat1) ? lat1 : !(-90...90).contains(lat2) ? lat2 : nil {
                    throw SQLError(.numericValueOutOfRange, "GEO_DISTANCE: valid latitude values are between -90 and 90, not \(latitude)")
                }
                if let longitude = !(-180...180).contains(lon1) ? lon1 : !(-180...180).contains(lon2) ? lon2 : nil {
                    throw SQLError(.numericValueOutOfRange, "GEO_DISTANCE: valid longitude values are between -180 and 180, not \(longitude)")
                }
                let halfChord = haversine(radians(lat2 - lat1)) + haversine(radians(lon2 - lon1)) * cos(radians(lat1)) * cos(radians(lat2))
                distances[row] = 2 * asin(halfChord.squareRoot()) * radius
            }
            return Column(doubles: distances, validity: validity)
        }
    }

    /// Spelled as ksqlDB computes them (Java's `Math.toRadians`, `sin²(θ/2)`), so that the
    /// distances agree to the last bit with ksqlDB's.
    private static func radians(_ degrees: Double) -> Double { degrees / 180 * Double.pi }
    private static func haversine(_ angle: Double) -> Double { sin(angle / 2) * sin(angle / 2) }

    static func declared(_ node: CompiledNode, _ type: SQLType) throws(SQLError) -> CompiledNode {
        if node.type == .null || node.isNullConstant { return .literal(.null, type) }
        if node.type == type { return node }
        return ExpressionCompiler.fold(try CastKernels.compile(node, to: type), children: [node])
    }

    /// A DOUBLE result from one DOUBLE argument.
    @inline(__always)
    static func unary(_ x: CompiledNode, _ f: @escaping @Sendable (Double) -> Double) -> CompiledNode {
        CompiledNode(type: .double, children: [x]) { input throws(SQLError) in
            let column = try x.run(input)
            return Column(doubles: column.doubles.map(f), validity: column.validity)
        }
    }
}
