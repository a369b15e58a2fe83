@testable import RivuletRuntime
import Testing

@Suite struct QuantileSketchTests {
    @Test func exactWhileTheValuesFit() {
        var sketch = QuantileSketch()
        for v in [5.0, 1, 3, 3, 9] { sketch.add(v) }
        #expect(sketch.quantile(0) == 1)
        #expect(sketch.quantile(0.5) == 3)  // rank ⌈2.5⌉ = 3 of 1, 3, 3, 5, 9
        #expect(sketch.quantile(0.9) == 9)
        sketch.add(9, weight: -1)
        #expect(sketch.quantile(1) == 5)
    }

    @Test func boundedAndCloseOnManyDistinctValues() {
        var sketch = QuantileSketch()
        // A fixed permutation of 1...10000, so the sketch sees the values out of order.
        for i in 0..<10_000 { sketch.add(Double((i * 7_919) % 10_000 + 1)) }
        #expect(sketch.means.count <= QuantileSketch.defaultCapacity)
        #expect(sketch.total == 10_000)
        for q in [0.1, 0.5, 0.9] {
            let estimate = sketch.quantile(q)!
            #expect(abs(estimate - q * 10_000) <= 100, "q=\(q) estimate \(estimate)")
        }
    }
}
