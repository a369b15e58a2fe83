import RivuletCore
import RivuletPlanner

/// `= <> < <= > >=` over one shared type: Int64-backed types numerically, DOUBLE by IEEE,
/// VARCHAR by UTF-8 bytes. NULL on either side gives NULL.
enum ComparisonKernels {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        guard args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
        switch function {
        case .equal: return try compile(Equal.self, args[0], args[1])
        case .notEqual: return try compile(NotEqual.self, args[0], args[1])
        case .less: return try compile(Less.self, args[0], args[1])
        case .lessOrEqual: return try compile(LessOrEqual.self, args[0], args[1])
        case .greater: return try compile(Greater.self, args[0], args[1])
        case .greaterOrEqual: return try compile(GreaterOrEqual.self, args[0], args[1])
        default: throw SQLError.internal("\(function) is not a comparison")
        }
    }

    static func compile<Op: CompareOp>(_ op: Op.Type, _ left: CompiledNode, _ right: CompiledNode) throws(SQLError) -> CompiledNode {
        let (shared, operands) = try OperandTypes.shared([left, right], in: Op.symbol)
        let l = operands[0], r = operands[1]
        switch shared.physical {
        case .bool, .int64:
            let select: Selector = { input throws(SQLError) in
                let (a, va) = try l.ints(input)
                let (b, vb) = try r.ints(input)
                return dispatch(IntSelectLoop<Op>(count: input.count, validity: Validity.and(va, vb)), a, b)
            }
            return CompiledNode(type: .boolean, children: [l, r], selector: select) { input throws(SQLError) in
                let (a, va) = try l.ints(input)
                let (b, vb) = try r.ints(input)
                return Column.bools(dispatch(IntCompareLoop<Op>(count: input.count), a, b), validity: Validity.and(va, vb))
            }
        case .double:
            let select: Selector = { input throws(SQLError) in
                let (a, va) = try l.doubles(input)
                let (b, vb) = try r.doubles(input)
                return dispatch(DoubleSelectLoop<Op>(count: input.count, validity: Validity.and(va, vb)), a, b)
            }
            return CompiledNode(type: .boolean, children: [l, r], selector: select) { input throws(SQLError) in
                let (a, va) = try l.doubles(input)
                let (b, vb) = try r.doubles(input)
                return Column.bools(dispatch(DoubleCompareLoop<Op>(count: input.count), a, b), validity: Validity.and(va, vb))
            }
        case .bytes:
            return bytes(op, l, r)
        case .int128:
            return CompiledNode(type: .boolean, children: [l, r]) { input throws(SQLError) in
                let a = try l.run(input), b = try r.run(input)
                let values = (0..<input.count).map { i in Op.test(a.wides[i], b.wides[i]) ? Int64(1) : 0 }
                return Column.bools(values, validity: Validity.and(a.validity, b.validity))
            }
        case .list, .struct:
            // Nested values compare for equality only, as in Flink; they have no order.
            if Op.self == Equal.self || Op.self == NotEqual.self {
                return NestedKernels.equality(l, r, negated: Op.self == NotEqual.self)
            }
            throw SQLError(.datatypeMismatch, "\(shared) values cannot be compared with \(Op.symbol)")
        }
    }

    static func bytes<Op: CompareOp>(_ op: Op.Type, _ l: CompiledNode, _ r: CompiledNode) -> CompiledNode {
        // A constant side is kept as one byte array rather than broadcast.
        let constant = r.scalar?.bytes
        return CompiledNode(type: .boolean, children: [l, r]) { input throws(SQLError) in
            let a = try l.run(input)
            let n = input.count
            if let constant {
                let values = try withStringView(a.strings) { sa throws(SQLError) in
                    constant.withUnsafeBufferPointer { c in
                        [Int64](unsafeUninitializedCapacity: n) { out, initialized in
                            for i in 0..<n { out[i] = Op.test(sa[i], c) ? 1 : 0 }
                            initialized = n
                        }
                    }
                }
                return Column.bools(values, validity: a.validity)
            }
            let b = try r.run(input)
            let values = try withStringView(a.strings) { sa throws(SQLError) in
                try withStringView(b.strings) { sb throws(SQLError) in
                    [Int64](unsafeUninitializedCapacity: n) { out, initialized in
                        for i in 0..<n { out[i] = Op.test(sa[i], sb[i]) ? 1 : 0 }
                        initialized = n
                    }
                }
            }
            return Column.bools(values, validity: Validity.and(a.validity, b.validity))
        }
    }
}

/// One comparison operator, specialized into each kernel loop.
protocol CompareOp: SendableMetatype {
    static var symbol: String { get }
    static func test<T: Comparable>(_ a: T, _ b: T) -> Bool
    static func test(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool
}

enum Equal: CompareOp {
    static let symbol = "="
    @inline(__always) static func test<T: Comparable>(_ a: T, _ b: T) -> Bool { a == b }
    @inline(__always) static func test(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool { bytesEqual(a, b) }
}

enum NotEqual: CompareOp {
    static let symbol = "<>"
    @inline(__always) static func test<T: Comparable>(_ a: T, _ b: T) -> Bool { a != b }
    @inline(__always) static func test(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool { !bytesEqual(a, b) }
}

enum Less: CompareOp {
    static let symbol = "<"
    @inline(__always) static func test<T: Comparable>(_ a: T, _ b: T) -> Bool { a < b }
    @inline(__always) static func test(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool { compareBytes(a, b) < 0 }
}

enum LessOrEqual: CompareOp {
    static let symbol = "<="
    @inline(__always) static func test<T: Comparable>(_ a: T, _ b: T) -> Bool { a <= b }
    @inline(__always) static func test(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool { compareBytes(a, b) <= 0 }
}

enum Greater: CompareOp {
    static let symbol = ">"
    @inline(__always) static func test<T: Comparable>(_ a: T, _ b: T) -> Bool { a > b }
    @inline(__always) static func test(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool { compareBytes(a, b) > 0 }
}

enum GreaterOrEqual: CompareOp {
    static let symbol = ">="
    @inline(__always) static func test<T: Comparable>(_ a: T, _ b: T) -> Bool { a >= b }
    @inline(__always) static func test(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool { compareBytes(a, b) >= 0 }
}

struct IntCompareLoop<Op: CompareOp>: IntBinaryLoop {
    let count: Int

    func run<A: IntSource, B: IntSource>(_ a: A, _ b: B) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = Op.test(a[i], b[i]) ? 1 : 0 }
            initialized = count
        }
    }
}

/// Writes each row index and advances only when the row passes: branch-free selection.
struct IntSelectLoop<Op: CompareOp>: IntBinaryLoop {
    let count: Int
    let validity: Validity?

    func run<A: IntSource, B: IntSource>(_ a: A, _ b: B) -> [Int] {
        withValidityWords(validity) { words in
            [Int](unsafeUninitializedCapacity: count) { out, kept in
                kept = 0
                if let words {
                    for i in 0..<count {
                        out[kept] = i
                        kept &+= Op.test(a[i], b[i]) && isValid(words, i) ? 1 : 0
                    }
                } else {
                    for i in 0..<count {
                        out[kept] = i
                        kept &+= Op.test(a[i], b[i]) ? 1 : 0
                    }
                }
            }
        }
    }
}

struct DoubleCompareLoop<Op: CompareOp>: DoubleBinaryLoop {
    let count: Int

    func run<A: DoubleSource, B: DoubleSource>(_ a: A, _ b: B) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = Op.test(a[i], b[i]) ? 1 : 0 }
            initialized = count
        }
    }
}

struct DoubleSelectLoop<Op: CompareOp>: DoubleBinaryLoop {
    let count: Int
    let validity: Validity?

    func run<A: DoubleSource, B: DoubleSource>(_ a: A, _ b: B) -> [Int] {
        withValidityWords(validity) { words in
            [Int](unsafeUninitializedCapacity: count) { out, kept in
                kept = 0
                for i in 0..<count {
                    out[kept] = i
                    kept &+= Op.test(a[i], b[i]) && (words.map { isValid($0, i) } ?? true) ? 1 : 0
                }
            }
        }
    }
}
