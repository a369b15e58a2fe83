public import RivuletCore
public import RivuletRuntime

/// Emits one Nexmark kind's events in order, as fast as they are asked for (the `rate` option
/// spaces their event times, not their wall-clock arrival).
public final class NexmarkSourceReader: CheckpointableSource {
    private let generator: NexmarkGenerator
    private let fields: [Int]
    private let types: [SQLType]
    /// Index (within this kind) of the next event.
    public private(set) var position: Int64 = 0

    init(generator: NexmarkGenerator, fields: [Int], types: [SQLType]) {
        self.generator = generator
        self.fields = fields
        self.types = types
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
        generator.generate(from: position, count: count, fields: fields, into: &batch)
        position += Int64(count)
        return batch
    }
}
