import RivuletCore
import RivuletPlanner

/// `+ - * / %` and unary minus over BIGINT/INT, DECIMAL and DOUBLE (unary minus over intervals
/// too). Operands arrive in the types the binder chose: both of the result type, or DECIMALs of
/// any scale for a DECIMAL result; anything else is an internal error.
///
/// Integer and DECIMAL overflow is a `numericValueOutOfRange` error, never a trap. Division
/// (and MOD) by zero yields NULL rather than an error: in a streaming query one bad row must not
/// stop the whole query. DOUBLE follows IEEE 754 (x / 0 is ±Infinity or NaN).
enum ArithmeticKernels {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode], type: SQLType) throws(SQLError) -> CompiledNode {
        if function == .negate {
            guard args.count == 1 else { throw arity(function, args.count) }
            return try negate(args[0], type: type)
        }
        guard args.count == 2 else { throw arity(function, args.count) }
        let what = symbol(function)
        if type == .double {
            return double(function, try OperandTypes.require(args[0], .double, in: what), try OperandTypes.require(args[1], .double, in: what))
        }
        if case .decimal = type {
            // DECIMAL operands keep their own scales; the result type carries the result scale.
            let l = try decimalOperand(args[0], in: what), r = try decimalOperand(args[1], in: what)
            return try decimal(function, l, r, type: type)
        }
        guard type.physical == .int64 else {
            throw SQLError(.datatypeMismatch, "cannot apply \(what) to \(args[0].type) and \(args[1].type)")
        }
        let l = try OperandTypes.require(args[0], type, in: what), r = try OperandTypes.require(args[1], type, in: what)
        return try integer(function, l, r, type: type)
    }

    // MARK: Integers

    static func integer(_ function: ScalarFunction, _ l: CompiledNode, _ r: CompiledNode, type: SQLType) throws(SQLError) -> CompiledNode {
        switch function {
        case .add: return intKernel(IntAdd.self, l, r, type: type)
        case .subtract: return intKernel(IntSubtract.self, l, r, type: type)
        case .multiply: return intKernel(IntMultiply.self, l, r, type: type)
        case .divide: return intKernel(IntDivide.self, l, r, type: type)
        case .modulo: return intKernel(IntModulo.self, l, r, type: type)
        default: throw SQLError.internal("\(function) is not arithmetic")
        }
    }

    static func intKernel<Op: IntArithmetic>(_ op: Op.Type, _ l: CompiledNode, _ r: CompiledNode, type: SQLType) -> CompiledNode {
        let (lo, hi) = range(of: type)
        return CompiledNode(type: type, children: [l, r], mayThrow: true) { input throws(SQLError) in
            let (a, va) = try l.ints(input)
            let (b, vb) = try r.ints(input)
            let n = input.count
            let out = dispatch(IntArithmeticLoop<Op>(count: n, lo: lo, hi: hi), a, b)
            var validity = Validity.and(va, vb)
            if out.zeroDivisor {
                var zeros: [Int] = []
                for i in 0..<n where b[i] == 0 { zeros.append(i) }
                validity = Validity.clearing(zeros, in: validity, count: n)
            }
            if out.outOfRange {
                for i in 0..<n where validity?.isValid(i) ?? true {
                    let (value, overflow) = Op.apply(a[i], b[i])
                    if overflow || value < lo || value > hi {
                        throw SQLError(.numericValueOutOfRange, "\(type) out of range: \(a[i]) \(Op.symbol) \(b[i])")
                    }
                }
            }
            return Column(ints: out.values, kind: .int64, validity: validity)
        }
    }

    static func range(of type: SQLType) -> (Int64, Int64) {
        type == .integer ? (Int64(Int32.min), Int64(Int32.max)) : (Int64.min, Int64.max)
    }

    // MARK: Doubles

    static func double(_ function: ScalarFunction, _ l: CompiledNode, _ r: CompiledNode) -> CompiledNode {
        switch function {
        case .add: return doubleKernel(DoubleAdd.self, l, r)
        case .subtract: return doubleKernel(DoubleSubtract.self, l, r)
        case .multiply: return doubleKernel(DoubleMultiply.self, l, r)
        case .divide: return doubleKernel(DoubleDivide.self, l, r)
        default: return doubleKernel(DoubleModulo.self, l, r)
        }
    }

    static func doubleKernel<Op: DoubleArithmetic>(_ op: Op.Type, _ l: CompiledNode, _ r: CompiledNode) -> CompiledNode {
        CompiledNode(type: .double, children: [l, r]) { input throws(SQLError) in
            let (a, va) = try l.doubles(input)
            let (b, vb) = try r.doubles(input)
            let values = dispatch(DoubleArithmeticLoop<Op>(count: input.count), a, b)
            return Column(doubles: values, validity: Validity.and(va, vb))
        }
    }

    // MARK: Decimals

    static func decimal(_ function: ScalarFunction, _ l: CompiledNode, _ r: CompiledNode, type: SQLType) throws(SQLError) -> CompiledNode {
        let s1 = l.type.decimalScale, s2 = r.type.decimalScale, s = type.decimalScale
        // Up to 18 digits everywhere, unscaled values are Int64s: the integer loops do.
        if l.type.physical == .int64, r.type.physical == .int64, type.physical == .int64 {
            if s1 == s, s2 == s {
                switch function {
                case .add, .subtract, .modulo: return try integer(function, l, r, type: type)
                default: break
                }
            }
            if function == .multiply, s == s1 + s2 { return decimalProduct(l, r, type: type) }
        }
        let op: DecimalOp
        switch function {
        case .add: op = .add
        case .subtract: op = .subtract
        case .multiply: op = .multiply
        case .divide: op = .divide
        case .modulo: op = .modulo
        default: throw SQLError.internal("\(function) is not arithmetic")
        }
        let limit = DecimalFormat.widePowersOfTen[min(type.decimalPrecision, DecimalFormat.maxPrecision)]
        return CompiledNode(type: type, children: [l, r], mayThrow: true) { input throws(SQLError) in
            let left = try l.run(input), right = try r.run(input)
            let n = input.count
            var validity = Validity.and(left.validity, right.validity)
            var zeros: [Int] = []
            var out = Column(type: type, capacity: n)
            for i in 0..<n {
                guard validity?.isValid(i) ?? true else {
                    out.appendUnscaled(0)
                    continue
                }
                let x = left.unscaled(at: i), y = right.unscaled(at: i)
                switch op.apply(x, y, s1, s2, s) {
                case .value(let v) where v.magnitude < limit.magnitude: out.appendUnscaled(v)
                case .divisionByZero:
                    zeros.append(i)
                    out.appendUnscaled(0)
                case .value, .overflow:
                    let x = DecimalFormat.text(unscaled: x, scale: s1), y = DecimalFormat.text(unscaled: y, scale: s2)
                    throw SQLError(.numericValueOutOfRange, "\(type) out of range: \(x) \(symbol(function)) \(y)")
                }
            }
            if !zeros.isEmpty { validity = Validity.clearing(zeros, in: validity, count: n) }
            out.validity = validity
            return out
        }
    }

    /// DECIMAL × DECIMAL at the exact scale of the product (`0.908 * price`): the unscaled
    /// values multiply as integers, with nothing to round. Same results and errors as the
    /// general DECIMAL path, in one specialized loop.
    static func decimalProduct(_ l: CompiledNode, _ r: CompiledNode, type: SQLType) -> CompiledNode {
        let s1 = l.type.decimalScale, s2 = r.type.decimalScale
        return CompiledNode(type: type, children: [l, r], mayThrow: true) { input throws(SQLError) in
            let (a, va) = try l.ints(input)
            let (b, vb) = try r.ints(input)
            let n = input.count
            let validity = Validity.and(va, vb)
            let out = dispatch(IntArithmeticLoop<IntMultiply>(count: n, lo: .min, hi: .max), a, b)
            var values = out.values
            if let validity {
                for i in 0..<n where !validity.isValid(i) { values[i] = 0 }
            }
            if out.outOfRange {
                for i in 0..<n where validity?.isValid(i) ?? true && a[i].multipliedReportingOverflow(by: b[i]).overflow {
                    let x = DecimalFormat.text(unscaled: Int128(a[i]), scale: s1)
                    let y = DecimalFormat.text(unscaled: Int128(b[i]), scale: s2)
                    throw SQLError(.numericValueOutOfRange, "\(type) out of range: \(x) * \(y)")
                }
            }
            return Column(ints: values, kind: .int64, validity: validity)
        }
    }

    // MARK: Unary minus

    static func negate(_ x: CompiledNode, type: SQLType) throws(SQLError) -> CompiledNode {
        if x.type.physical == .double {
            return CompiledNode(type: .double, children: [x]) { input throws(SQLError) in
                let column = try x.run(input)
                return Column(doubles: column.doubles.map { -$0 }, validity: column.validity)
            }
        }
        if x.type.physical == .int128 {
            // A DECIMAL of up to 38 digits: its negation has as many.
            return CompiledNode(type: x.type, children: [x]) { input throws(SQLError) in
                var column = try x.run(input)
                for i in column.wides.indices { column.wides[i] = -column.wides[i] }
                return column
            }
        }
        let zero = CompiledNode.literal(.int(0), x.type.physical == .int64 ? x.type : type)
        return intKernel(IntSubtract.self, zero, x, type: type)
    }

    // MARK: Helpers

    /// A DECIMAL operand, of any scale; a NULL constant becomes DECIMAL(1, 0).
    static func decimalOperand(_ node: CompiledNode, in what: String) throws(SQLError) -> CompiledNode {
        if case .decimal = node.type { return node }
        return try OperandTypes.require(node, .decimal(precision: 1, scale: 0), in: what)
    }

    static func isDateTime(_ type: SQLType) -> Bool { type.isTimestamp || type == .date }

    static func symbol(_ function: ScalarFunction) -> String {
        switch function {
        case .add: return "+"
        case .subtract: return "-"
        case .multiply: return "*"
        case .divide: return "/"
        case .modulo: return "%"
        default: return function.rawValue
        }
    }

    static func arity(_ function: ScalarFunction, _ count: Int) -> SQLError {
        SQLError.internal("\(function) called with \(count) arguments")
    }
}

// MARK: - Operations

protocol IntArithmetic: SendableMetatype {
    static var symbol: String { get }
    /// Whether a zero right operand makes the row NULL (division and MOD).
    static var nullOnZeroDivisor: Bool { get }
    static func apply(_ a: Int64, _ b: Int64) -> (partialValue: Int64, overflow: Bool)
}

enum IntAdd: IntArithmetic {
    static let symbol = "+"
    static let nullOnZeroDivisor = false
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> (partialValue: Int64, overflow: Bool) {
        a.addingReportingOverflow(b)
    }
}

enum IntSubtract: IntArithmetic {
    static let symbol = "-"
    static let nullOnZeroDivisor = false
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> (partialValue: Int64, overflow: Bool) {
        a.subtractingReportingOverflow(b)
    }
}

enum IntMultiply: IntArithmetic {
    static let symbol = "*"
    static let nullOnZeroDivisor = false
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> (partialValue: Int64, overflow: Bool) {
        a.multipliedReportingOverflow(by: b)
    }
}

/// Truncates toward zero; `Int64.min / -1` overflows.
enum IntDivide: IntArithmetic {
    static let symbol = "/"
    static let nullOnZeroDivisor = true
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> (partialValue: Int64, overflow: Bool) {
        b == 0 ? (0, false) : a.dividedReportingOverflow(by: b)
    }
}

/// The remainder takes the sign of the dividend; `x % -1` is 0 even for `Int64.min`.
enum IntModulo: IntArithmetic {
    static let symbol = "%"
    static let nullOnZeroDivisor = true
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> (partialValue: Int64, overflow: Bool) {
        b == 0 || b == -1 ? (0, false) : (a % b, false)
    }
}

struct IntArithmeticLoop<Op: IntArithmetic>: IntBinaryLoop {
    let count: Int
    let lo: Int64
    let hi: Int64

    func run<A: IntSource, B: IntSource>(_ a: A, _ b: B) -> (values: [Int64], outOfRange: Bool, zeroDivisor: Bool) {
        var outOfRange = false
        var zeroDivisor = false
        let values = [Int64](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count {
                let y = b[i]
                if Op.nullOnZeroDivisor, y == 0 {
                    zeroDivisor = true
                    out[i] = 0
                    continue
                }
                let (value, overflow) = Op.apply(a[i], y)
                if overflow || value < lo || value > hi { outOfRange = true }
                out[i] = value
            }
            initialized = count
        }
        return (values, outOfRange, zeroDivisor)
    }
}

protocol DoubleArithmetic: SendableMetatype {
    static func apply(_ a: Double, _ b: Double) -> Double
}

enum DoubleAdd: DoubleArithmetic {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a + b }
}

enum DoubleSubtract: DoubleArithmetic {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a - b }
}

enum DoubleMultiply: DoubleArithmetic {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a * b }
}

enum DoubleDivide: DoubleArithmetic {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a / b }
}

enum DoubleModulo: DoubleArithmetic {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a.truncatingRemainder(dividingBy: b) }
}

struct DoubleArithmeticLoop<Op: DoubleArithmetic>: DoubleBinaryLoop {
    let count: Int

    func run<A: DoubleSource, B: DoubleSource>(_ a: A, _ b: B) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = Op.apply(a[i], b[i]) }
            initialized = count
        }
    }
}

/// DECIMAL arithmetic on unscaled values with the argument and result scales, in 128 bits
/// (38 digits); the caller checks the result against its type's precision.
enum DecimalOp {
    case add, subtract, multiply, divide, modulo

    enum Outcome {
        case value(Int128)
        case divisionByZero
        case overflow
    }

    func apply(_ x: Int128, _ y: Int128, _ s1: Int, _ s2: Int, _ s: Int) -> Outcome {
        switch self {
        case .add, .subtract, .modulo:
            let common = max(s1, s2)
            guard case .value(let a) = Self.rescale(x, from: s1, to: common),
                case .value(let b) = Self.rescale(y, from: s2, to: common)
            else { return .overflow }
            let raw: Int128
            switch self {
            case .add:
                let (v, o) = a.addingReportingOverflow(b)
                if o { return .overflow }
                raw = v
            case .subtract:
                let (v, o) = a.subtractingReportingOverflow(b)
                if o { return .overflow }
                raw = v
            default:
                if b == 0 { return .divisionByZero }
                raw = b == -1 ? 0 : a % b
            }
            return Self.rescale(raw, from: common, to: s)
        case .multiply:
            let (v, o) = x.multipliedReportingOverflow(by: y)
            return o ? .overflow : Self.rescale(v, from: s1 + s2, to: s)
        case .divide:
            if y == 0 { return .divisionByZero }
            // x/10^s1 ÷ y/10^s2 at scale s = x·10^(s - s1 + s2) / y.
            let exponent = s - s1 + s2
            guard let p = DecimalMath.power128(abs(exponent)) else { return .overflow }
            var numerator = x, denominator = y
            if exponent >= 0 {
                let (v, o) = numerator.multipliedReportingOverflow(by: p)
                if o { return .overflow }
                numerator = v
            } else {
                let (v, o) = denominator.multipliedReportingOverflow(by: p)
                if o { return .overflow }
                denominator = v
            }
            return .value(DecimalFormat.divideRounding(numerator, by: denominator))
        }
    }

    static func rescale(_ value: Int128, from: Int, to: Int) -> Outcome {
        DecimalFormat.rescale(value, from: from, to: to).map(Outcome.value) ?? .overflow
    }
}
