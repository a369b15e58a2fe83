import RivuletCore
import RivuletPlanner
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// VAR_POP, VAR_SAMP, STDDEV_POP and STDDEV_SAMP, as Flink computes them: per slot a count, mean
/// and sum of squared deviations (M2) kept by Welford's online update, which a retraction runs
/// backwards. The variance is M2 / n (population) or M2 / (n − 1) (sample, NULL for one value),
/// in DOUBLE; the deviation its square root; integer arguments get the result cast back, toward zero.
/// `bySums` keeps the sum and sum of squares instead, in the argument's type, and divides
/// `Σx² − (Σx)²/n` (integer division for integers), as Flink does OVER a window.
final class VarianceAccumulator: Accumulator {
    private let argument: Int
    private let filter: Int?
    private let statistic: AggregateCall.Statistic
    private let integral: Bool
    private let bySums: Bool
    let resultType: SQLType
    private var counts: [Int64] = []
    private var means: [Double] = []
    private var m2s: [Double] = []
    // With `bySums`: the sums, of integers (wrapping, as Java's arithmetic) or of doubles.
    private var intSums: [Int64] = []
    private var intSquares: [Int64] = []
    private var sums: [Double] = []
    private var squares: [Double] = []

    init(argument: Int, filter: Int?, statistic: AggregateCall.Statistic, bySums: Bool = false, resultType: SQLType) {
        self.argument = argument
        self.filter = filter
        self.statistic = statistic
        self.bySums = bySums
        self.integral = resultType.physical == .int64
        self.resultType = resultType
    }

    func grow(to slotCount: Int) {
        guard counts.count < slotCount else { return }
        let more = slotCount - counts.count
        counts.append(contentsOf: repeatElement(0, count: more))
        means.append(contentsOf: repeatElement(0, count: more))
        m2s.append(contentsOf: repeatElement(0, count: more))
        intSums.append(contentsOf: repeatElement(0, count: more))
        intSquares.append(contentsOf: repeatElement(0, count: more))
        sums.append(contentsOf: repeatElement(0, count: more))
        squares.append(contentsOf: repeatElement(0, count: more))
    }

    func reset(_ slot: Int) {
        counts[slot] = 0
        means[slot] = 0
        m2s[slot] = 0
        intSums[slot] = 0
        intSquares[slot] = 0
        sums[slot] = 0
        squares[slot] = 0
    }

    func accumulate(_ batch: RowBatch, rows: [Int32], slots: [Int32], signs: [Int8]?) {
        let rowFilter = RowFilter(batch, filter)
        let column = batch.columns[argument]
        for i in rows.indices {
            let row = Int(rows[i])
            guard rowFilter.passes(row), !column.isNull(row) else { continue }
            let slot = Int(slots[i])
            let negative = signs.map { $0[i] < 0 } ?? false
            if bySums {
                counts[slot] += negative ? -1 : 1
                if integral {
                    let x = column.ints[row], sign: Int64 = negative ? -1 : 1
                    intSums[slot] &+= sign &* x
                    intSquares[slot] &+= sign &* (x &* x)
                } else {
                    let x = column.doubles[row]
                    sums[slot] += negative ? -x : x
                    squares[slot] += negative ? -(x * x) : x * x
                }
                continue
            }
            let x = integral ? Double(column.ints[row]) : column.doubles[row]
            if negative {
                remove(x, from: slot)
            } else {
                add(x, to: slot)
            }
        }
    }

    /// Welford's update. A count at or below zero (more retractions than rows) is only counted.
    private func add(_ x: Double, to slot: Int) {
        counts[slot] += 1
        guard counts[slot] > 0 else { return }
        let delta = x - means[slot]
        means[slot] += delta / Double(counts[slot])
        m2s[slot] += delta * (x - means[slot])
    }

    /// The update run backwards.
    private func remove(_ x: Double, from slot: Int) {
        counts[slot] -= 1
        guard counts[slot] > 0 else {
            if counts[slot] == 0 { (means[slot], m2s[slot]) = (0, 0) }
            return
        }
        let delta = x - means[slot]
        means[slot] -= delta / Double(counts[slot])
        m2s[slot] -= (x - means[slot]) * delta
    }

    /// Two slots' summaries combined (Chan et al.'s pairwise formula).
    func merge(from source: Int, into target: Int) {
        if bySums {
            counts[target] += counts[source]
            intSums[target] &+= intSums[source]
            intSquares[target] &+= intSquares[source]
            sums[target] += sums[source]
            squares[target] += squares[source]
            return
        }
        let (n1, n2) = (counts[target], counts[source])
        guard n2 > 0 else {
            counts[target] += n2
            if counts[target] <= 0 { (means[target], m2s[target]) = (0, 0) }
            return
        }
        guard n1 != 0 else {
            (counts[target], means[target], m2s[target]) = (n2, means[source], m2s[source])
            return
        }
        let total = n1 + n2
        let delta = means[source] - means[target]
        means[target] += Double(n2) / Double(total) * delta
        m2s[target] += m2s[source] + Double(n1) * Double(n2) / Double(total) * delta * delta
        counts[target] = total
    }

    func save(_ slot: Int, into writer: inout StateWriter) {
        writer.write(counts[slot])
        writer.write(means[slot])
        writer.write(m2s[slot])
        writer.write(intSums[slot])
        writer.write(intSquares[slot])
        writer.write(sums[slot])
        writer.write(squares[slot])
    }

    func load(_ slot: Int, from reader: inout StateReader) throws(SQLError) {
        counts[slot] = try reader.readInt64()
        means[slot] = try reader.readDouble()
        m2s[slot] = try reader.readDouble()
        intSums[slot] = try reader.readInt64()
        intSquares[slot] = try reader.readInt64()
        sums[slot] = try reader.readDouble()
        squares[slot] = try reader.readDouble()
    }

    func appendResult(_ slot: Int, into column: inout Column) {
        let n = counts[slot]
        let divisor = statistic.isSample ? n - 1 : n
        guard n > 0, divisor > 0 else {
            column.appendNull()
            return
        }
        if bySums, integral {
            let variance = (intSquares[slot] &- intSums[slot] &* intSums[slot] / n) / divisor
            guard statistic.isDeviation else { return column.appendInt(variance) }
            let deviation = pow(Double(variance), 0.5)
            return column.appendInt(deviation.isFinite ? Int64(deviation.rounded(.towardZero)) : 0)
        }
        if bySums {
            let variance = (squares[slot] - sums[slot] * sums[slot] / Double(n)) / Double(divisor)
            return column.appendDouble(statistic.isDeviation ? pow(variance, 0.5) : variance)
        }
        // A negative M2 comes only from retractions of rows never added: no answer, as Flink's.
        guard m2s[slot] >= 0 else {
            column.appendNull()
            return
        }
        let variance = m2s[slot] / Double(divisor)
        let result = statistic.isDeviation ? pow(variance, 0.5) : variance
        if integral {
            column.appendInt(result.isFinite ? Int64(result.rounded(.towardZero)) : 0)
        } else {
            column.appendDouble(result)
        }
    }
}
