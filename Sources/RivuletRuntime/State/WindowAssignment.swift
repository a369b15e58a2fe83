import RivuletPlanner

/// `[start, end)` of one event-time window, in epoch milliseconds.
struct WindowBounds: Hashable {
    var start: Int64
    var end: Int64
}

/// Which aligned windows (tumbling, hopping, cumulating) a timestamp belongs to.
///
/// Windows are aligned to the epoch plus `offset`, using floor division so negative
/// timestamps fall into the window below them.
enum WindowAssignment {
    case tumble(size: Int64, offset: Int64)
    /// `minStart`: Kafka Streams (so ksqlDB) creates no hopping window that starts before the epoch.
    case hop(size: Int64, slide: Int64, offset: Int64, minStart: Int64)
    case cumulate(step: Int64, size: Int64, offset: Int64)
    /// Each row's window is in its columns: `[time, endColumn)`; `windows(containing:)` cannot
    /// tell it from the time alone, so the aggregator reads the end itself.
    case attached(endColumn: Int)

    /// Nil for session windows, which are not aligned.
    init?(_ window: WindowSpec) {
        switch window.kind {
        case .tumble(let size, let offset): self = .tumble(size: size, offset: offset)
        case .hop(let size, let slide, let offset):
            self = .hop(size: size, slide: slide, offset: offset, minStart: window.dialect == .ksql ? 0 : .min)
        case .cumulate(let step, let size, let offset): self = .cumulate(step: step, size: size, offset: offset)
        case .session: return nil
        case .attached(let end): self = .attached(endColumn: end)
        }
    }

    /// Replaces `windows` with the windows containing `ts`, in ascending order of end.
    @inline(__always)
    func windows(containing ts: Int64, into windows: inout [WindowBounds]) {
        windows.removeAll(keepingCapacity: true)
        switch self {
        case .tumble(let size, let offset):
            let start = Self.floorDiv(ts &- offset, size) &* size &+ offset
            windows.append(WindowBounds(start: start, end: start &+ size))
        case .hop(let size, let slide, let offset, let minStart):
            let lastStart = Self.floorDiv(ts &- offset, slide) &* slide &+ offset
            var start = lastStart
            while start > ts &- size { start &-= slide }
            start &+= slide
            while start < minStart { start &+= slide }
            while start <= lastStart {
                windows.append(WindowBounds(start: start, end: start &+ size))
                start &+= slide
            }
        case .cumulate(let step, let size, let offset):
            let periodStart = Self.floorDiv(ts &- offset, size) &* size &+ offset
            var end = periodStart &+ (Self.floorDiv(ts &- periodStart, step) &+ 1) &* step
            while end <= periodStart &+ size {
                windows.append(WindowBounds(start: periodStart, end: end))
                end &+= step
            }
        case .attached:
            break
        }
    }

    /// Floor division (rounds toward negative infinity), for alignment of negative times.
    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
