public import RivuletCore
public import RivuletRuntime

/// Emits one Nexmark kind's events, or every event, in order, as fast as they are asked for
/// (the `rate` option spaces their event times, not their wall-clock arrival).
public final class NexmarkSourceReader: CheckpointableSource {
    private let generator: NexmarkGenerator
    private let columns: [NexmarkColumn]
    /// The fields of the one kind filling the columns; nil when the source emits every event.
    private let fields: [Int]?
    private let types: [SQLType]
    /// Index of the next event (within its kind for a one-kind source).
    public private(set) var position: Int64 = 0

    init(generator: NexmarkGenerator, columns: [NexmarkColumn], types: [SQLType]) {
        self.generator = generator
        self.columns = columns
        self.types = types
        fields = generator.config.kind == nil ? nil : columns.map {
            guard case .field(let index) = $0 else { preconditionFailure("an event column in a one-kind source") }
            return index
        }
    }

    /// Continues from a checkpointed position: the rows from there on are regenerated identically.
    public func seek(to position: Int64) { self.position = position }

    public func savePosition(into writer: inout StateWriter) throws { writer.write(position) }

    public func restorePosition(from reader: inout StateReader) throws { seek(to: try reader.readInt64()) }

    public func nextBatch(maxRows: Int) throws -> RowBatch? {
        var count = maxRows
        if let total = generator.total {
            guard position < total else { return nil }
            count = Int(min(Int64(maxRows), total - position))
        }
        // The generator fills (and sizes) the columns itself.
        var batch = RowBatch(types: types)
        if let kind = generator.config.kind, let fields {
            generator.generate(kind, from: position, count: count, fields: fields, into: &batch)
        } else {
            generator.generateEvents(from: position, count: count, columns: columns, into: &batch)
        }
        position += Int64(count)
        return batch
    }
}
