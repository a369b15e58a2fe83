import RivuletCore

/// SUM or AVG over INT or BIGINT input: an Int64 sum and a count of non-NULL inputs per slot.
/// SUM is NULL with no input. AVG truncates toward zero (Flink), or is a DOUBLE where the
/// dialect says so. DECIMALs have `DecimalSumAccumulator`.
final class IntegerSumAccumulator: Accumulator {
    private let argument: Int
    private let filter: Int?
    private let average: Bool
    let resultType: SQLType
    private var sums: [Int64] = []
    private var counts: [Int64] = []

    init(argument: Int, filter: Int?, average: Bool, resultType: SQLType) {
        self.argument = argument
        self.filter = filter
        self.average = average
        self.resultType = resultType
    }

    func grow(to slotCount: Int) {
        guard sums.count < slotCount else { return }
        sums.append(contentsOf: repeatElement(0, count: slotCount - sums.count))
        counts.append(contentsOf: repeatElement(0, count: slotCount - counts.count))
    }

    func reset(_ slot: Int) {
        sums[slot] = 0
        counts[slot] = 0
    }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let rowFilter = RowFilter(batch, filter)
        let column = batch.columns[argument]
        let hasNulls = column.validity != nil
        let values = column.ints
        sums.withUnsafeMutableBufferPointer { sums in
            counts.withUnsafeMutableBufferPointer { counts in
                for i in rows.indices {
                    let row = Int(rows[i])
                    if !rowFilter.passes(row) { continue }
                    if hasNulls, column.isNull(row) { continue }
                    let slot = Int(slots[i])
                    if let signs, signs[i] < 0 {
                        sums[slot] &-= values[row]
                        counts[slot] &-= 1
                    } else {
                        sums[slot] &+= values[row]
                        counts[slot] &+= 1
                    }
                }
            }
        }
    }

    func merge(from source: Int, into target: Int) {
        sums[target] &+= sums[source]
        counts[target] &+= counts[source]
    }

    func save(_ slot: Int, into writer: inout StateWriter) {
        writer.write(sums[slot])
        writer.write(counts[slot])
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        sums[slot] = try reader.readInt64()
        counts[slot] = try reader.readInt64()
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        let count = counts[slot]
        guard count > 0 else {
            column.appendNull()
            return
        }
        let sum = sums[slot]
        if case .double = resultType {
            column.appendDouble(average ? Double(sum) / Double(count) : Double(sum))
        } else {
            column.appendInt(average ? sum / count : sum)  // Swift division truncates toward zero, as Flink's AVG does
        }
    }
}
