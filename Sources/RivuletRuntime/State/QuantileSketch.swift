import RivuletCore

/// A bounded summary of a bag of numbers for approximate quantiles: up to `capacity` weighted
/// centroids in ascending order (a streaming histogram in the manner of Ben-Haim & Tom-Tov).
///
/// Error: while a group holds at most `capacity` distinct values every value is its own
/// centroid and `quantile(q)` is exact (nearest rank: the smallest value with at least
/// ⌈q·n⌉ values ≤ it). Beyond that the two closest neighbouring centroids are merged into their
/// weighted mean, so an answer can be off by at most the weight of one centroid in rank (about
/// n/capacity for smooth data, i.e. under 1 % of the rank with the default 256) and lies between
/// the values merged into it. Retracting a value that was merged away subtracts from the
/// nearest centroid, which keeps counts exact and values approximate.
struct QuantileSketch {
    static let defaultCapacity = 256

    private(set) var means: [Double] = []
    private(set) var weights: [Int] = []
    private(set) var total = 0
    let capacity: Int

    init(capacity: Int = QuantileSketch.defaultCapacity) {
        self.capacity = max(2, capacity)
    }

    mutating func add(_ value: Double, weight: Int = 1) {
        guard !value.isNaN, weight != 0 else { return }
        let index = lowerBound(value)
        if index < means.count, means[index] == value {
            weights[index] += weight
            total += weight
            if weights[index] <= 0 { removeCentroid(index) }
            return
        }
        if weight < 0 {
            retractNearest(value, weight: -weight, around: index)
            return
        }
        means.insert(value, at: index)
        weights.insert(weight, at: index)
        total += weight
        if means.count > capacity { mergeClosestPair() }
    }

    mutating func formUnion(_ other: QuantileSketch) {
        for (mean, weight) in zip(other.means, other.weights) { add(mean, weight: weight) }
    }

    /// Writes the centroids as they are, so a restored sketch answers exactly as this one.
    func save(into writer: inout StateWriter) {
        writer.write(capacity)
        writer.write(total)
        writer.write(means.count)
        for (mean, weight) in zip(means, weights) {
            writer.write(mean)
            writer.write(weight)
        }
    }

    init(from reader: inout StateReader) throws(SQLError) {
        self.init(capacity: try reader.readCount())
        total = try reader.readInt()
        for _ in 0..<(try reader.readCount()) {
            means.append(try reader.readDouble())
            weights.append(try reader.readInt())
        }
    }

    /// The nearest-rank quantile, or nil when empty.
    func quantile(_ q: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for (mean, weight) in zip(means, weights) {
            seen += weight
            if seen >= rank { return mean }
        }
        return means.last
    }

    private mutating func retractNearest(_ value: Double, weight: Int, around index: Int) {
        guard !means.isEmpty else { return }
        var nearest = min(index, means.count - 1)
        if index > 0, index < means.count, value - means[index - 1] <= means[index] - value { nearest = index - 1 }
        let taken = min(weight, weights[nearest])
        weights[nearest] -= taken
        total -= taken
        if weights[nearest] == 0 { removeCentroid(nearest) }
    }

    private mutating func removeCentroid(_ index: Int) {
        total -= min(0, weights[index])  // never let a negative weight linger in the total
        means.remove(at: index)
        weights.remove(at: index)
    }

    private mutating func mergeClosestPair() {
        var best = 0
        var bestGap = Double.infinity
        for i in 0..<(means.count - 1) {
            let gap = means[i + 1] - means[i]
            if gap < bestGap {
                bestGap = gap
                best = i
            }
        }
        let w0 = Double(weights[best])
        let w1 = Double(weights[best + 1])
        means[best] = (means[best] * w0 + means[best + 1] * w1) / (w0 + w1)
        weights[best] += weights[best + 1]
        means.remove(at: best + 1)
        weights.remove(at: best + 1)
    }

    private func lowerBound(_ value: Double) -> Int {
        var low = 0
        var high = means.count
        while low < high {
            let mid = (low + high) / 2
            if means[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
