/// How much of a bounded input a source has read, in bytes.
public struct InputProgress: Sendable, Hashable {
    public var read: Int64
    public var total: Int64

    public init(read: Int64, total: Int64) {
        self.read = read
        self.total = total
    }

    /// The share read, 0...1 (an empty input counts as read).
    public var fraction: Double { total > 0 ? min(1, Double(read) / Double(total)) : 1 }

    /// Both inputs together.
    public static func + (lhs: InputProgress, rhs: InputProgress) -> InputProgress {
        InputProgress(read: lhs.read + rhs.read, total: lhs.total + rhs.total)
    }
}

/// A source that knows how much of its input it has read (files, which it knows the sizes of).
///
/// Contract: `inputProgress` is cheap (no I/O per call), because metrics read it after every
/// batch; it is nil when the input has no known end (a followed path). It is read on the thread
/// that reads batches.
public protocol ProgressReportingSource: SourceReader {
    var inputProgress: InputProgress? { get }
}
