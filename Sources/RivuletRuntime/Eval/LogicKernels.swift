import RivuletCore
import RivuletPlanner

/// AND, OR, NOT and the IS tests, with SQL's three-valued logic:
/// FALSE AND NULL = FALSE, TRUE OR NULL = TRUE, NOT NULL = NULL; IS tests are never NULL.
enum LogicKernels {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        switch function {
        case .and, .or:
            guard let first = args.first else { throw ArithmeticKernels.arity(function, 0) }
            return args.dropFirst().reduce(first) { function == .and ? and($0, $1) : or($0, $1) }
        case .not, .isNull, .isNotNull, .isTrue, .isFalse:
            guard args.count == 1 else { throw ArithmeticKernels.arity(function, args.count) }
            return unary(function, args[0])
        default:
            throw SQLError.internal("\(function) is not a logical operator")
        }
    }

    static func and(_ l: CompiledNode, _ r: CompiledNode) -> CompiledNode {
        let select: Selector? = if let ls = l.selector, let rs = r.selector {
            { input throws(SQLError) in intersect(try ls(input), try rs(input)) }
        } else {
            nil
        }
        return CompiledNode(type: .boolean, children: [l, r], selector: select) { input throws(SQLError) in
            let a = try l.run(input), b = try r.run(input)
            let n = input.count
            if a.validity == nil, b.validity == nil {
                return Column.bools(zipValues(a.ints, b.ints, n) { $0 & $1 }, validity: nil)
            }
            var validity = Validity(allValid: n)
            let values = [Int64](unsafeUninitializedCapacity: n) { out, initialized in
                for i in 0..<n {
                    let av = !a.isNull(i), bv = !b.isNull(i)
                    let x = a.ints[i] != 0, y = b.ints[i] != 0
                    if (av && !x) || (bv && !y) {
                        out[i] = 0
                    } else if av && bv {
                        out[i] = 1
                    } else {
                        out[i] = 0
                        validity.set(i, valid: false)
                    }
                }
                initialized = n
            }
            return Column.bools(values, validity: validity)
        }
    }

    static func or(_ l: CompiledNode, _ r: CompiledNode) -> CompiledNode {
        let select: Selector? = if let ls = l.selector, let rs = r.selector {
            { input throws(SQLError) in union(try ls(input), try rs(input)) }
        } else {
            nil
        }
        return CompiledNode(type: .boolean, children: [l, r], selector: select) { input throws(SQLError) in
            let a = try l.run(input), b = try r.run(input)
            let n = input.count
            if a.validity == nil, b.validity == nil {
                return Column.bools(zipValues(a.ints, b.ints, n) { ($0 | $1) & 1 }, validity: nil)
            }
            var validity = Validity(allValid: n)
            let values = [Int64](unsafeUninitializedCapacity: n) { out, initialized in
                for i in 0..<n {
                    let av = !a.isNull(i), bv = !b.isNull(i)
                    let x = a.ints[i] != 0, y = b.ints[i] != 0
                    if (av && x) || (bv && y) {
                        out[i] = 1
                    } else if av && bv {
                        out[i] = 0
                    } else {
                        out[i] = 0
                        validity.set(i, valid: false)
                    }
                }
                initialized = n
            }
            return Column.bools(values, validity: validity)
        }
    }

    static func unary(_ function: ScalarFunction, _ x: CompiledNode) -> CompiledNode {
        var select: Selector?
        if function == .isNotNull {
            select = { input throws(SQLError) in
                let column = try x.run(input)
                guard let validity = column.validity else { return Array(0..<input.count) }
                return (0..<input.count).filter { validity.isValid($0) }
            }
        } else if function == .isTrue, let inner = x.selector {
            select = inner
        }
        return CompiledNode(type: .boolean, children: [x], selector: select) { input throws(SQLError) in
            let a = try x.run(input)
            let n = input.count
            switch function {
            case .not:
                return Column.bools(a.ints.map { 1 - ($0 & 1) }, validity: a.validity)
            case .isNull, .isNotNull:
                let want: Int64 = function == .isNull ? 0 : 1
                guard let validity = a.validity else { return Column.bools(Array(repeating: want, count: n), validity: nil) }
                return Column.bools((0..<n).map { validity.isValid($0) == (want == 1) ? 1 : 0 }, validity: nil)
            default:
                let want: Int64 = function == .isTrue ? 1 : 0
                return Column.bools((0..<n).map { !a.isNull($0) && (a.ints[$0] != 0 ? 1 : 0) == want ? 1 : 0 }, validity: nil)
            }
        }
    }

    @inline(__always)
    static func zipValues(_ a: [Int64], _ b: [Int64], _ n: Int, _ f: (Int64, Int64) -> Int64) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: n) { out, initialized in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    for i in 0..<n { out[i] = f(pa[i], pb[i]) }
                }
            }
            initialized = n
        }
    }

    /// Rows in both ascending lists.
    static func intersect(_ a: [Int], _ b: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(min(a.count, b.count))
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                out.append(a[i])
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return out
    }

    /// Rows in either ascending list.
    static func union(_ a: [Int], _ b: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) {
                out.append(a[i])
                i += 1
            } else if i == a.count || b[j] < a[i] {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
                j += 1
            }
        }
        return out
    }
}
