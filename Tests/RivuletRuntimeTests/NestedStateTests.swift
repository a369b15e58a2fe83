import RivuletCore
import RivuletRuntime
import Testing

/// Nested values in checkpoints: as boxed values (join and Top-N state) and as whole batches.
@Suite struct NestedStateTests {
    static let type = SQLType.row([
        RowField("id", .bigint), RowField("tags", .array(.varchar)),
        RowField("attrs", .map(key: .varchar, value: .double)),
    ])
    static let values: [Value] = [
        .row([.int(1), .array([.string("a"), .null]), .map(keys: [.string("x")], values: [.double(1.5)])]),
        .null,
        .row([.null, .null, .map(keys: [], values: [])]),
    ]

    @Test func boxedNestedValuesRoundTrip() throws {
        var writer = StateWriter()
        writer.write(row: Self.values)
        var reader = StateReader(writer.bytes)
        #expect(try reader.readRow() == Self.values)
    }

    @Test func batchesWithNestedColumnsRoundTrip() throws {
        var batch = RowBatch(types: [.bigint, Self.type])
        for (i, value) in Self.values.enumerated() { batch.appendRow([.int(Int64(i)), value]) }
        var writer = StateWriter()
        writer.write(batch: batch)
        var reader = StateReader(writer.bytes)
        let restored = try reader.readBatch()
        #expect((0..<3).map { restored.row($0, types: [.bigint, Self.type]) } == (0..<3).map { batch.row($0, types: [.bigint, Self.type]) })
    }

    @Test func damagedNestedColumnsAreRefused() {
        var batch = RowBatch(types: [.array(.bigint)])
        batch.appendRow([.array([.int(1), .int(2)])])
        var writer = StateWriter()
        writer.write(batch: batch)
        var bytes = writer.bytes
        // Drop the last element's bytes (and what follows): the offsets no longer match the child.
        bytes.removeLast(12)
        var reader = StateReader(bytes)
        #expect(throws: SQLError.self) { try reader.readBatch() }
    }
}
