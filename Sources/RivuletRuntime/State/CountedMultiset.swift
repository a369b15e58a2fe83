/// A sorted multiset: distinct values in ascending order, each with how many times it occurs.
/// Lets MIN/MAX stay exact when the current extreme is retracted.
struct CountedMultiset<Element: Comparable> {
    private(set) var values: [Element] = []
    private(set) var counts: [Int] = []

    var isEmpty: Bool { values.isEmpty }
    var first: Element? { values.first }
    var last: Element? { values.last }

    /// Adds `count` occurrences (removes them when negative; the value leaves at zero).
    mutating func add(_ value: Element, count: Int = 1) {
        let index = insertionIndex(value)
        if index < values.count, values[index] == value {
            counts[index] += count
            if counts[index] <= 0 {
                values.remove(at: index)
                counts.remove(at: index)
            }
        } else if count > 0 {
            values.insert(value, at: index)
            counts.insert(count, at: index)
        }
    }

    mutating func formUnion(_ other: CountedMultiset<Element>) {
        for (value, count) in zip(other.values, other.counts) { add(value, count: count) }
    }

    private func insertionIndex(_ value: Element) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
