import RivuletCore

/// One side of an Int64 kernel: a column's values or a constant, resolved once per batch.
enum IntsArg {
    case column([Int64])
    case constant(Int64)
}

/// One side of a DOUBLE kernel.
enum DoublesArg {
    case column([Double])
    case constant(Double)
}

/// Random access to an Int64 operand inside a kernel loop; specialized away.
protocol IntSource {
    subscript(_ i: Int) -> Int64 { get }
}

struct IntColumnSource: IntSource {
    let values: UnsafeBufferPointer<Int64>
    @inline(__always) subscript(_ i: Int) -> Int64 { values[i] }
}

struct IntConstantSource: IntSource {
    let value: Int64
    @inline(__always) subscript(_ i: Int) -> Int64 { value }
}

protocol DoubleSource {
    subscript(_ i: Int) -> Double { get }
}

struct DoubleColumnSource: DoubleSource {
    let values: UnsafeBufferPointer<Double>
    @inline(__always) subscript(_ i: Int) -> Double { values[i] }
}

struct DoubleConstantSource: DoubleSource {
    let value: Double
    @inline(__always) subscript(_ i: Int) -> Double { value }
}

/// A kernel loop over two Int64 operands, written once and specialized for each
/// column/constant combination by `dispatch`.
protocol IntBinaryLoop {
    associatedtype Output
    func run<A: IntSource, B: IntSource>(_ a: A, _ b: B) -> Output
}

protocol DoubleBinaryLoop {
    associatedtype Output
    func run<A: DoubleSource, B: DoubleSource>(_ a: A, _ b: B) -> Output
}

@inline(__always)
func dispatch<L: IntBinaryLoop>(_ loop: L, _ a: IntsArg, _ b: IntsArg) -> L.Output {
    switch (a, b) {
    case (.column(let x), .column(let y)):
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in loop.run(IntColumnSource(values: px), IntColumnSource(values: py)) }
        }
    case (.column(let x), .constant(let c)):
        return x.withUnsafeBufferPointer { px in loop.run(IntColumnSource(values: px), IntConstantSource(value: c)) }
    case (.constant(let c), .column(let y)):
        return y.withUnsafeBufferPointer { py in loop.run(IntConstantSource(value: c), IntColumnSource(values: py)) }
    case (.constant(let c), .constant(let d)):
        return loop.run(IntConstantSource(value: c), IntConstantSource(value: d))
    }
}

@inline(__always)
func dispatch<L: DoubleBinaryLoop>(_ loop: L, _ a: DoublesArg, _ b: DoublesArg) -> L.Output {
    switch (a, b) {
    case (.column(let x), .column(let y)):
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in loop.run(DoubleColumnSource(values: px), DoubleColumnSource(values: py)) }
        }
    case (.column(let x), .constant(let c)):
        return x.withUnsafeBufferPointer { px in loop.run(DoubleColumnSource(values: px), DoubleConstantSource(value: c)) }
    case (.constant(let c), .column(let y)):
        return y.withUnsafeBufferPointer { py in loop.run(DoubleConstantSource(value: c), DoubleColumnSource(values: py)) }
    case (.constant(let c), .constant(let d)):
        return loop.run(DoubleConstantSource(value: c), DoubleConstantSource(value: d))
    }
}

extension CompiledNode {
    /// This node's value as an Int64 operand plus its validity.
    @inline(__always)
    func ints(_ input: EvalInput) throws(SQLError) -> (IntsArg, Validity?) {
        if let value = scalar?.int { return (.constant(value), nil) }
        let column = try run(input)
        return (.column(column.ints), column.validity)
    }

    @inline(__always)
    func doubles(_ input: EvalInput) throws(SQLError) -> (DoublesArg, Validity?) {
        if let value = scalar?.double { return (.constant(value), nil) }
        let column = try run(input)
        return (.column(column.doubles), column.validity)
    }
}

extension IntsArg {
    /// Element access for slow paths (error reporting, decimal rescaling).
    @inline(__always)
    subscript(_ i: Int) -> Int64 {
        switch self {
        case .column(let values): return values[i]
        case .constant(let value): return value
        }
    }
}

extension DoublesArg {
    @inline(__always)
    subscript(_ i: Int) -> Double {
        switch self {
        case .column(let values): return values[i]
        case .constant(let value): return value
        }
    }
}
