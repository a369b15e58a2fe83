import RivuletCore

/// What a kernel evaluates over: one batch plus the constants fixed once per batch.
struct EvalInput {
    var batch: RowBatch
    /// Wall-clock epoch milliseconds, read once per batch for CURRENT_TIMESTAMP.
    var now: Int64

    var count: Int { batch.count }
}

/// Evaluates one expression node over a whole batch into a column of the node's type.
typealias Kernel = @Sendable (EvalInput) throws(SQLError) -> Column
/// Returns the ascending indices of rows where a predicate is TRUE.
typealias Selector = @Sendable (EvalInput) throws(SQLError) -> [Int]

/// One compiled expression node: its kernel plus what parent nodes need to pick fast paths.
struct CompiledNode: Sendable {
    let type: SQLType
    let run: Kernel
    /// The value when the node is constant (a literal, or folded from literals); `.null` for NULL.
    var constant: Value?
    /// `constant` in physical form, computed once at compile time.
    var scalar: Scalar?
    /// The input column when the node is a plain column reference.
    var columnIndex: Int?
    /// Whether evaluation can fail (integer overflow). Conditional expressions evaluate such
    /// nodes only on the rows that reach them, so an unselected branch cannot fail a batch.
    var mayThrow: Bool
    /// Whether the node reads the wall clock (such nodes are never folded).
    var usesClock: Bool
    /// A selection kernel that avoids materializing a BOOLEAN column, when there is one.
    var selector: Selector?

    init(
        type: SQLType, mayThrow: Bool = false, usesClock: Bool = false, selector: Selector? = nil,
        run: @escaping Kernel
    ) {
        self.type = type
        self.run = run
        self.mayThrow = mayThrow
        self.usesClock = usesClock
        self.selector = selector
    }

    /// A node whose value comes from `children`: inherits their failure and clock flags.
    init(type: SQLType, children: [CompiledNode], mayThrow: Bool = false, selector: Selector? = nil, run: @escaping Kernel) {
        self.init(
            type: type, mayThrow: mayThrow || children.contains { $0.mayThrow },
            usesClock: children.contains { $0.usesClock }, selector: selector, run: run)
    }

    var isNullConstant: Bool { constant?.isNull ?? false }

    /// A constant node broadcasting `value` (already of `type`) to every row.
    static func literal(_ value: Value, _ type: SQLType) -> CompiledNode {
        if type.isNested {
            var node = CompiledNode(type: type) { input throws(SQLError) in
                Column.repeating(value, type: type, count: input.count)
            }
            node.constant = value
            node.scalar = value.isNull ? .null : nil
            return node
        }
        let scalar = Scalar(value, type)
        let kind = type.physical
        var node = CompiledNode(type: type) { input throws(SQLError) in
            Column.broadcast(scalar, kind: kind, count: input.count)
        }
        node.constant = scalar.isNull ? .null : value
        node.scalar = scalar
        return node
    }

    static func column(_ index: Int, _ type: SQLType) -> CompiledNode {
        var node = CompiledNode(type: type) { input throws(SQLError) in
            guard index < input.batch.columns.count else {
                throw SQLError.internal("expression reads column $\(index) but the batch has \(input.batch.columns.count)")
            }
            return input.batch.columns[index]
        }
        node.columnIndex = index
        return node
    }
}

/// A constant in physical form, for kernels that take one side as a scalar.
enum Scalar: Sendable, Equatable {
    case null
    case int(Int64)
    /// The unscaled value of a DECIMAL of more than 18 digits.
    case wide(Int128)
    case double(Double)
    case bytes([UInt8])

    /// `value` laid out for a column of `type`; NULL when it cannot be represented.
    init(_ value: Value, _ type: SQLType) {
        switch (value, type.physical) {
        case (.null, _): self = .null
        case (.boolean(let b), .bool), (.boolean(let b), .int64): self = .int(b ? 1 : 0)
        case (.int(let i), .double): self = .double(Double(i))
        case (.int(let i), _), (.timestamp(let i), _), (.date(let i), _), (.interval(let i), _), (.intervalMonths(let i), _):
            if case .decimal = type {
                self = Scalar(.decimal(unscaled: Int128(i), scale: 0), type)
            } else {
                self = .int(i)
            }
        case (.decimal(let unscaled, let from), .double):
            self = .double(DecimalFormat.double(unscaled: unscaled, scale: from))
        case (.decimal(let unscaled, let from), let kind):
            guard let r = DecimalFormat.rescale(unscaled, from: from, to: type.decimalScale) else {
                self = .null
                return
            }
            if kind == .int128 {
                self = .wide(r)
            } else {
                self = Int64(exactly: r).map(Scalar.int) ?? .null
            }
        case (.double(let d), .double): self = .double(d)
        case (.double(let d), _): self = Int64(exactly: d.rounded(.towardZero)).map(Scalar.int) ?? .null
        case (.string(let s), .bytes): self = .bytes(Array(s.utf8))
        case (.string(let s), _):
            if type.isTimestamp, let ms = TimeFormat.parseTimestamp(s) {
                self = .int(ms)
            } else if type == .date, let days = TimeFormat.parseDate(s) {
                self = .int(days)
            } else {
                self = .null
            }
        case (.array, _), (.map, _), (.row, _), (_, .list), (_, .struct): self = .null
        case (_, .bytes): self = .bytes(Array(value.description.utf8))
        case (.boolean(let b), .double): self = .double(b ? 1 : 0)
        case (.boolean(let b), .int128): self = .wide(b ? 1 : 0)
        }
    }

    var isNull: Bool { self == .null }

    var int: Int64? {
        if case .int(let v) = self { return v }
        return nil
    }

    var wide: Int128? {
        if case .wide(let v) = self { return v }
        return nil
    }

    var double: Double? {
        if case .double(let v) = self { return v }
        return nil
    }

    var bytes: [UInt8]? {
        if case .bytes(let v) = self { return v }
        return nil
    }
}
