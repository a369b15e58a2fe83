/// An event-time window assignment. All durations are milliseconds.
public struct WindowSpec: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// `[floor((ts - offset) / size) * size + offset, + size)`.
        case tumble(size: Int64, offset: Int64)
        /// `size / slide` windows per row, each `[start, start + size)` with start a multiple of `slide`.
        case hop(size: Int64, slide: Int64, offset: Int64)
        /// Windows `[start, start + step * k)` for k = 1 ... size/step within each `size` period.
        case cumulate(step: Int64, size: Int64, offset: Int64)
        /// Rows of one key within `gap` of each other share a window.
        case session(gap: Int64)
        /// The window each row already belongs to: `[timeColumn, endColumn)`, the bounds a window
        /// aggregate below wrote (a window aggregation over a windowed result, Flink's cascading
        /// window aggregation).
        case attached(endColumn: Int)
    }

    /// Whose semantics a window follows where the two dialects differ.
    public enum Dialect: Hashable, Sendable {
        /// Session end = last row + gap (exclusive); a final row per window only.
        case flink
        /// Session end = last row's time (inclusive); one grace period default.
        case ksql
    }

    public var kind: Kind
    /// The input column holding the event time.
    public var timeColumn: Int
    /// How long after `end` a window still accepts rows.
    public var grace: Int64
    public var dialect: Dialect
    /// Windows in processing time (`DESCRIPTOR(proc)` of a `PROCTIME()` column): each row
    /// falls into the window of the moment the window operator takes it, and windows close as
    /// the wall clock passes their end, input or not.
    public var processingTime: Bool

    public init(kind: Kind, timeColumn: Int, grace: Int64 = 0, dialect: Dialect = .flink, processingTime: Bool = false) {
        self.kind = kind
        self.timeColumn = timeColumn
        self.grace = grace
        self.dialect = dialect
        self.processingTime = processingTime
    }

    /// How far past a window's last millisecond the watermark may go before the window closes
    /// (a row older than that is late). Flink fires a window once the watermark reaches
    /// `end − 1 + grace`. ksqlDB (Kafka Streams) closes a time window when stream time reaches
    /// `end + grace`, and drops a row for a session when the session would end more than
    /// `gap + grace` before stream time.
    public var closeDelay: Int64 {
        guard dialect == .ksql else { return grace }
        if case .session = kind { return grace + 2 }
        return grace + 1
    }

    public var description: String {
        let text: String
        switch kind {
        case .tumble(let size, let offset): text = "TUMBLE(size=\(size)ms\(offset != 0 ? ", offset=\(offset)ms" : ""))"
        case .hop(let size, let slide, _): text = "HOP(size=\(size)ms, slide=\(slide)ms)"
        case .cumulate(let step, let size, _): text = "CUMULATE(step=\(step)ms, size=\(size)ms)"
        case .session(let gap): text = "SESSION(gap=\(gap)ms)"
        case .attached(let end): text = "WINDOWED(end=$\(end))"
        }
        return text + " on $\(timeColumn)" + (processingTime ? " processing-time" : "") + (grace > 0 ? " grace=\(grace)ms" : "")
    }
}
