import RivuletCore

/// `value IN (item, ...)`. TRUE on a match; otherwise NULL if the value or any item is NULL,
/// else FALSE. An all-literal list becomes a hash set built once.
enum InListKernel {
    static func compile(_ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        guard args.count >= 2 else { throw ArithmeticKernels.arity(.inList, args.count) }
        let (shared, coerced) = try OperandTypes.shared(args, in: "IN")
        let value = coerced[0]
        let items = Array(coerced.dropFirst())
        if shared.isNested {
            throw SQLError(.datatypeMismatch, "IN over \(shared) values is not supported")
        }
        if items.allSatisfy({ $0.scalar != nil }) {
            return literalList(value, items.compactMap(\.scalar), kind: shared.physical)
        }
        return general(value, items, kind: shared.physical)
    }

    static func literalList(_ value: CompiledNode, _ items: [Scalar], kind: PhysicalKind) -> CompiledNode {
        let hasNull = items.contains(.null)
        let matcher: @Sendable (Column, Int) -> Bool
        switch kind {
        case .bool, .int64:
            let set = Set(items.compactMap(\.int))
            matcher = { column, i in set.contains(column.ints[i]) }
        case .int128:
            let set = Set(items.compactMap(\.wide))
            matcher = { column, i in set.contains(column.wides[i]) }
        case .double:
            let set = Set(items.compactMap(\.double))
            matcher = { column, i in set.contains(column.doubles[i]) }
        case .bytes:
            let set = ByteSet(items.compactMap(\.bytes))
            matcher = { column, i in column.strings.withBytes(i) { set.contains($0) } }
        case .list, .struct:
            matcher = { _, _ in false }  // refused in `compile`
        }
        let select: Selector = { input throws(SQLError) in
            let column = try value.run(input)
            return (0..<input.count).filter { !column.isNull($0) && matcher(column, $0) }
        }
        return CompiledNode(type: .boolean, children: [value], selector: select) { input throws(SQLError) in
            let column = try value.run(input)
            let values = (0..<input.count).map { matcher(column, $0) ? Int64(1) : 0 }
            guard hasNull else { return Column.bools(values, validity: column.validity) }
            // No match against a list holding NULL is unknown.
            let unknown = values.indices.filter { values[$0] == 0 }
            return Column.bools(values, validity: Validity.clearing(unknown, in: column.validity, count: input.count))
        }
    }

    static func general(_ value: CompiledNode, _ items: [CompiledNode], kind: PhysicalKind) -> CompiledNode {
        CompiledNode(type: .boolean, children: [value] + items) { input throws(SQLError) in
            let column = try value.run(input)
            let itemColumns = try items.map { item throws(SQLError) in try item.run(input) }
            var validity = Validity(allValid: input.count)
            let values = (0..<input.count).map { i -> Int64 in
                guard !column.isNull(i) else {
                    validity.set(i, valid: false)
                    return 0
                }
                var sawNull = false
                for item in itemColumns {
                    if item.isNull(i) {
                        sawNull = true
                        continue
                    }
                    let equal: Bool
                    switch kind {
                    case .bool, .int64: equal = column.ints[i] == item.ints[i]
                    case .int128: equal = column.wides[i] == item.wides[i]
                    case .double: equal = column.doubles[i] == item.doubles[i]
                    case .bytes: equal = column.strings.withBytes(i) { item.strings.equals(i, $0) }
                    case .list, .struct: equal = column.rowEquals(i, item, i)
                    }
                    if equal { return 1 }
                }
                if sawNull { validity.set(i, valid: false) }
                return 0
            }
            return Column.bools(values, validity: validity)
        }
    }
}

/// A set of byte strings probed with borrowed bytes, so a lookup allocates nothing.
struct ByteSet: Sendable {
    private let buckets: [[Int]]
    private let values: [[UInt8]]

    init(_ values: [[UInt8]]) {
        self.values = values
        var buckets = Array(repeating: [Int](), count: max(8, values.count * 2))
        for (index, value) in values.enumerated() {
            let h = value.withUnsafeBufferPointer { Self.hash($0) }
            buckets[Int(h % UInt64(buckets.count))].append(index)
        }
        self.buckets = buckets
    }

    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let bucket = buckets[Int(Self.hash(bytes) % UInt64(buckets.count))]
        for index in bucket where values[index].withUnsafeBufferPointer({ bytesEqual($0, bytes) }) { return true }
        return false
    }

    /// FNV-1a.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
