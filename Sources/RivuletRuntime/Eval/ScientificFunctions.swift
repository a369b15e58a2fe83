import Foundation
import RivuletCore
import RivuletPlanner
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Logarithms, trigonometry, SIGN and TRUNCATE. DOUBLE results follow IEEE 754 as Java's
/// `Math` does (LOG10(-1) is NaN, LOG(0) is -Infinity), so they match Flink's to the last bit.
enum ScientificFunctions {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode], type: SQLType) throws(SQLError) -> CompiledNode {
        guard let x = args.first else { throw ArithmeticKernels.arity(function, 0) }
        let name = function.rawValue.uppercased()
        switch function {
        case .log10, .log2, .degrees, .radians, .sin, .cos, .tan, .cot, .asin, .acos, .atan, .sinh, .cosh, .tanh:
            let value = try OperandTypes.require(x, .double, in: name)
            let f: @Sendable (Double) -> Double
            switch function {
            case .log10: f = { log10($0) }
            case .log2: f = { log($0) / log(2) }
            case .degrees: f = { $0 * 57.29577951308232 }  // Java's Math.toDegrees
            case .radians: f = { $0 * 0.017453292519943295 }  // Java's Math.toRadians
            case .sin: f = { sin($0) }
            case .cos: f = { cos($0) }
            case .tan: f = { tan($0) }
            case .cot: f = { 1 / tan($0) }
            case .asin: f = { asin($0) }
            case .acos: f = { acos($0) }
            case .atan: f = { atan($0) }
            case .sinh: f = { sinh($0) }
            case .cosh: f = { cosh($0) }
            default: f = { tanh($0) }
            }
            return MathFunctions.unary(value, f)
        case .logBase, .atan2:
            guard args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
            let a = try OperandTypes.require(args[0], .double, in: name)
            let b = try OperandTypes.require(args[1], .double, in: name)
            let f: @Sendable (Double, Double) -> Double
            if function == .atan2 {
                f = { y, x in atan2(y, x) }
            } else {
                f = { base, x in log(x) / log(base) }
            }
            return CompiledNode(type: .double, children: [a, b]) { input throws(SQLError) in
                let (u, vu) = try a.doubles(input)
                let (v, vv) = try b.doubles(input)
                return Column(doubles: (0..<input.count).map { f(u[$0], v[$0]) }, validity: Validity.and(vu, vv))
            }
        case .sign:
            if x.type.physical == .double { return MathFunctions.unary(x) { $0 > 0 ? 1 : $0 < 0 ? -1 : $0 } }
            let one = DecimalFormat.widePowersOfTen[x.type.decimalScale]
            return DecimalMath.mapUnscaled(x, to: x.type, what: "SIGN") { v, _ in v > 0 ? one : v < 0 ? -one : 0 }
        case .truncate:
            let digits = args.count == 2 ? try CastKernels.compile(args[1], to: .bigint) : CompiledNode.literal(.int(0), .bigint)
            return try truncate(x, digits, type: type)
        default:
            throw SQLError.internal("\(function) is not a scientific function")
        }
    }

    /// A DOUBLE cut as its shortest decimal form is (as Java's `BigDecimal.valueOf`), so that
    /// TRUNCATE(0.29, 2) is 0.29 although 0.29 × 100 is 28.999…; never -0.0.
    static func truncateDecimal(_ value: Double, digits: Int64) -> Double {
        guard value.isFinite, value != 0 else { return value.isNaN || value.isInfinite ? value : 0 }
        guard var decimal = Decimal(string: "\(value)") else { return value }
        var cut = Decimal()
        // Foundation's `.down` is toward negative infinity: toward zero is `.up` below zero.
        NSDecimalRound(&cut, &decimal, Int(clamping: max(-128, min(127, digits))), value < 0 ? .up : .down)
        return (Double("\(cut)") ?? value) + 0
    }

    /// TRUNCATE(x, d): x cut toward zero to d digits after the point (to tens, hundreds, ...
    /// for negative d).
    static func truncate(_ x: CompiledNode, _ digits: CompiledNode, type: SQLType) throws(SQLError) -> CompiledNode {
        if x.type.physical == .double {
            return CompiledNode(type: .double, children: [x, digits]) { input throws(SQLError) in
                let values = try x.run(input), d = try digits.run(input)
                let out = (0..<input.count).map { i in truncateDecimal(values.doubles[i], digits: d.ints[i]) }
                return Column(doubles: out, validity: Validity.and(values.validity, d.validity))
            }
        }
        // Integers and decimals: drop digits of the unscaled value, then rescale to the result type.
        let scale = Int64(x.type.decimalScale)
        let node = DecimalMath.mapUnscaled(x, digits: digits, to: x.type, what: "TRUNCATE") { v, d in
            let dropped = scale - d
            guard dropped > 0 else { return v }
            guard dropped <= Int64(DecimalFormat.maxPrecision) else { return 0 }
            let unit = DecimalFormat.widePowersOfTen[Int(dropped)]
            return v / unit * unit
        }
        return try MathFunctions.declared(node, type)
    }
}
