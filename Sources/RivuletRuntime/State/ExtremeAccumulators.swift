import RivuletCore

/// MIN or MAX over integer-kind input (INT, BIGINT, DECIMAL, TIMESTAMP, DATE, BOOLEAN) for
/// append-only input: only the current extreme per slot.
final class IntegerExtremeAccumulator: Accumulator {
    private let argument: Int
    private let filter: Int?
    private let isMax: Bool
    let resultType: SQLType
    private var values: [Int64] = []
    private var present: [Bool] = []

    init(argument: Int, filter: Int?, isMax: Bool, resultType: SQLType) {
        self.argument = argument
        self.filter = filter
        self.isMax = isMax
        self.resultType = resultType
    }

    func grow(to slotCount: Int) {
        guard values.count < slotCount else { return }
        values.append(contentsOf: repeatElement(0, count: slotCount - values.count))
        present.append(contentsOf: repeatElement(false, count: slotCount - present.count))
    }

    func reset(_ slot: Int) { present[slot] = false }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let rowFilter = RowFilter(batch, filter)
        let column = batch.columns[argument]
        let hasNulls = column.validity != nil
        let input = column.ints
        let isMax = isMax
        values.withUnsafeMutableBufferPointer { values in
            present.withUnsafeMutableBufferPointer { present in
                for i in rows.indices {
                    let row = Int(rows[i])
                    if !rowFilter.passes(row) { continue }
                    if hasNulls, column.isNull(row) { continue }
                    let slot = Int(slots[i])
                    let value = input[row]
                    if !present[slot] || (isMax ? value > values[slot] : value < values[slot]) {
                        values[slot] = value
                        present[slot] = true
                    }
                }
            }
        }
    }

    @inline(__always)
    private func update(_ slot: Int, _ value: Int64) {
        if !present[slot] || (isMax ? value > values[slot] : value < values[slot]) {
            values[slot] = value
            present[slot] = true
        }
    }

    func merge(from source: Int, into target: Int) {
        if present[source] { update(target, values[source]) }
    }

    func save(_ slot: Int, into writer: inout StateWriter) {
        writer.write(present[slot])
        if present[slot] { writer.write(values[slot]) }
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        present[slot] = try reader.readBool()
        if present[slot] { values[slot] = try reader.readInt64() }
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        if present[slot] { column.appendInt(values[slot]) } else { column.appendNull() }
    }
}

/// MIN or MAX over DOUBLE input for append-only input.
final class DoubleExtremeAccumulator: Accumulator {
    private let argument: Int
    private let filter: Int?
    private let isMax: Bool
    let resultType: SQLType
    private var values: [Double] = []
    private var present: [Bool] = []

    init(argument: Int, filter: Int?, isMax: Bool, resultType: SQLType) {
        self.argument = argument
        self.filter = filter
        self.isMax = isMax
        self.resultType = resultType
    }

    func grow(to slotCount: Int) {
        guard values.count < slotCount else { return }
        values.append(contentsOf: repeatElement(0, count: slotCount - values.count))
        present.append(contentsOf: repeatElement(false, count: slotCount - present.count))
    }

    func reset(_ slot: Int) { present[slot] = false }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let rowFilter = RowFilter(batch, filter)
        let column = batch.columns[argument]
        let hasNulls = column.validity != nil
        let input = column.doubles
        let isMax = isMax
        values.withUnsafeMutableBufferPointer { values in
            present.withUnsafeMutableBufferPointer { present in
                for i in rows.indices {
                    let row = Int(rows[i])
                    if !rowFilter.passes(row) { continue }
                    if hasNulls, column.isNull(row) { continue }
                    let slot = Int(slots[i])
                    let value = input[row]
                    if !present[slot] || (isMax ? value > values[slot] : value < values[slot]) {
                        values[slot] = value
                        present[slot] = true
                    }
                }
            }
        }
    }

    @inline(__always)
    private func update(_ slot: Int, _ value: Double) {
        if !present[slot] || (isMax ? value > values[slot] : value < values[slot]) {
            values[slot] = value
            present[slot] = true
        }
    }

    func merge(from source: Int, into target: Int) {
        if present[source] { update(target, values[source]) }
    }

    func save(_ slot: Int, into writer: inout StateWriter) {
        writer.write(present[slot])
        if present[slot] { writer.write(values[slot]) }
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        present[slot] = try reader.readBool()
        if present[slot] { values[slot] = try reader.readDouble() }
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        if present[slot] { column.appendDouble(values[slot]) } else { column.appendNull() }
    }
}

/// MIN or MAX over VARCHAR input for append-only input, ordered by UTF-8 bytes. Copies a value
/// only when it becomes the new extreme.
final class BytesExtremeAccumulator: Accumulator {
    private let argument: Int
    private let filter: Int?
    private let isMax: Bool
    let resultType: SQLType
    private var values: [[UInt8]?] = []

    init(argument: Int, filter: Int?, isMax: Bool, resultType: SQLType) {
        self.argument = argument
        self.filter = filter
        self.isMax = isMax
        self.resultType = resultType
    }

    func grow(to slotCount: Int) {
        if values.count < slotCount { values.append(contentsOf: repeatElement(nil, count: slotCount - values.count)) }
    }

    func reset(_ slot: Int) { values[slot] = nil }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let rowFilter = RowFilter(batch, filter)
        let column = batch.columns[argument]
        for i in rows.indices {
            let row = Int(rows[i])
            if !rowFilter.passes(row) || column.isNull(row) { continue }
            let slot = Int(slots[i])
            column.strings.withBytes(row) { candidate in
                if let current = values[slot] {
                    let order = current.withUnsafeBufferPointer { memcmpBytes(candidate, $0) }
                    if isMax ? order <= 0 : order >= 0 { return }
                }
                values[slot] = Array(candidate)
            }
        }
    }

    func merge(from source: Int, into target: Int) {
        guard let candidate = values[source] else { return }
        if let current = values[target] {
            let candidateWins = isMax
                ? current.lexicographicallyPrecedes(candidate) : candidate.lexicographicallyPrecedes(current)
            if !candidateWins { return }
        }
        values[target] = candidate
    }

    func save(_ slot: Int, into writer: inout StateWriter) {
        writer.write(values[slot] != nil)
        if let value = values[slot] { writer.write(bytes: value) }
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        values[slot] = try reader.readBool() ? try reader.readBytes() : nil
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        if let value = values[slot] { column.appendBytes(value) } else { column.appendNull() }
    }
}
