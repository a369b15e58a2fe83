public import RivuletCore

/// Event time in epoch milliseconds. `Watermark.end` (Int64.max) means no more input will come.
public enum Watermark {
    public static let end = Int64.max
    public static let none = Int64.min
}

/// Where an operator puts what it emits.
public struct Collector {
    public private(set) var batches: [RowBatch] = []

    public init() {}

    public mutating func emit(_ batch: RowBatch) {
        if batch.count > 0 { batches.append(batch) }
    }

    public mutating func drain() -> [RowBatch] {
        defer { batches.removeAll(keepingCapacity: true) }
        return batches
    }
}

/// One incremental operator of a running query.
///
/// Operators are synchronous, non-Sendable classes owned and driven by one task: no locks and
/// no actor hops per batch. `process` consumes a batch arriving on input `port` (0 for
/// single-input operators) and emits any output to `output`. `watermarkAdvanced` reports that
/// no row with event time ≤ `watermark` will arrive on `port` any more; the operator emits what
/// that completes (closed windows) and returns its own output watermark, or nil if unchanged.
public protocol StreamOperator: AnyObject {
    func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws
    func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64?
    /// What `snapshot` writes: a checkpoint restores into an operator only when both agree, so
    /// a checkpoint never depends on how EXPLAIN words the plan.
    var stateFormat: StateFormat { get }
    /// Whether the operator holds rows, keys or windows between batches.
    var keepsState: Bool { get }
    /// Rows (or keys/windows) currently held in state, for metrics; 0 for stateless operators.
    var stateSize: Int { get }
    /// Counts (and, when the run keeps them, records) the rows it drops as late; nil for an
    /// operator that never drops one.
    var lateRowCounter: LateRowCounter? { get }
    /// Writes the operator's state, between two batches, so that `restore` on a fresh instance
    /// built from the same plan continues exactly as this one would. Stateless operators write
    /// nothing.
    func snapshot(into writer: inout StateWriter) throws
    /// Reads what `snapshot` wrote into a freshly built operator, before any batch.
    func restore(from reader: inout StateReader) throws
}

extension StreamOperator {
    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        watermark
    }

    public var keepsState: Bool { false }
    public var stateSize: Int { 0 }
    public var lateRowCounter: LateRowCounter? { nil }
    /// Rows dropped because they arrived after their window closed (or their join partners expired).
    public var lateRows: Int { lateRowCounter?.count ?? 0 }
    public func snapshot(into writer: inout StateWriter) throws {}
    public func restore(from reader: inout StateReader) throws {}
}

/// An operator that maps each row on its own: no state, its output rows each from one input row
/// and in input order, keeping their kinds and arrival watermarks, and watermarks passed on
/// unchanged. The pipeline runs such operators on a source's whole batch as it is read, before
/// the batch is cut into the runs that merge it with other sources.
public protocol RowwiseOperator: StreamOperator {
    /// The rows `batch` gives, and for each the index of the input row it comes from (nil when
    /// output row i comes from input row i).
    func transform(_ batch: RowBatch) throws -> (rows: RowBatch, origins: [Int]?)
}

extension RowwiseOperator {
    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        output.emit(try transform(batch).rows)
    }
}

/// The layout of an operator's checkpointed state: `kind` names the operator's state, and
/// `version` changes whenever what `snapshot` writes changes.
public struct StateFormat: Hashable, Sendable, CustomStringConvertible {
    public var kind: String
    public var version: Int

    public var description: String { "\(kind) v\(version)" }
}
