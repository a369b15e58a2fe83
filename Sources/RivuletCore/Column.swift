/// One column of a `RowBatch`: typed values plus an optional null bitmap.
///
/// Exactly one of `ints`, `doubles` and `strings` is used, as `kind` says: integers, decimals
/// (unscaled), timestamps (ms), dates (days), intervals and booleans (0/1) live in `ints`.
/// Keeping the three buffers as plain stored arrays lets hot loops append and mutate in place.
public struct Column: Sendable {
    public let kind: PhysicalKind
    public var ints: [Int64]
    public var doubles: [Double]
    public var strings: ByteColumn
    /// nil when the column has no NULLs.
    public var validity: Validity?

    public init(kind: PhysicalKind, capacity: Int = 0) {
        self.kind = kind
        ints = []
        doubles = []
        strings = ByteColumn()
        validity = nil
        switch kind {
        case .bool, .int64: ints.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .bytes: strings.offsets.reserveCapacity(capacity + 1)
        }
    }

    public init(ints: [Int64], kind: PhysicalKind = .int64, validity: Validity? = nil) {
        self.kind = kind
        self.ints = ints
        doubles = []
        strings = ByteColumn()
        self.validity = validity
    }

    public init(doubles: [Double], validity: Validity? = nil) {
        kind = .double
        ints = []
        self.doubles = doubles
        strings = ByteColumn()
        self.validity = validity
    }

    public init(strings: ByteColumn, validity: Validity? = nil) {
        kind = .bytes
        ints = []
        doubles = []
        self.strings = strings
        self.validity = validity
    }

    public var count: Int {
        switch kind {
        case .bool, .int64: return ints.count
        case .double: return doubles.count
        case .bytes: return strings.count
        }
    }

    @inline(__always)
    public func isNull(_ row: Int) -> Bool {
        guard let validity else { return false }
        return !validity.isValid(row)
    }

    /// Marks the row about to be appended as valid or NULL, creating the bitmap on the first NULL.
    @inline(__always)
    public mutating func appendValidity(_ valid: Bool) {
        if validity == nil {
            if valid { return }
            validity = Validity(allValid: count)
        }
        validity!.append(valid)
    }

    @inline(__always)
    public mutating func appendNull() {
        let row = count
        switch kind {
        case .bool, .int64: ints.append(0)
        case .double: doubles.append(0)
        case .bytes: strings.appendEmpty()
        }
        if validity == nil { validity = Validity(allValid: row) }
        validity!.append(false)
    }

    /// Appends row `row` of `other` (same kind).
    @inline(__always)
    public mutating func append(from other: Column, row: Int) {
        if other.isNull(row) {
            appendNull()
            return
        }
        switch kind {
        case .bool, .int64: ints.append(other.ints[row])
        case .double: doubles.append(other.doubles[row])
        case .bytes: other.strings.withBytes(row) { strings.append($0) }
        }
        if validity != nil { validity!.append(true) }
    }

    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int]) -> Column {
        var out = Column(kind: kind, capacity: indices.count)
        if validity == nil {
            switch kind {
            case .bool, .int64: out.ints = indices.map { ints[$0] }
            case .double: out.doubles = indices.map { doubles[$0] }
            case .bytes: for i in indices { strings.withBytes(i) { out.strings.append($0) } }
            }
            return out
        }
        for i in indices { out.append(from: self, row: i) }
        return out
    }
}
