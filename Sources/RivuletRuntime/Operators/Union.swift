public import RivuletCore
public import RivuletPlanner

/// `UNION ALL`: forwards every batch of every input unchanged, row kinds included. Its
/// watermark is the smallest of its inputs', and each row's arrival watermark becomes the
/// smaller of its own and the other inputs' current ones, so an operator above judges a row
/// late only when it is late for the union as a whole.
public final class Union: StreamOperator {
    private var ports: [Int64]

    public init(_ plan: StreamPlan.Union) {
        ports = Array(repeating: Watermark.none, count: plan.inputs.count)
    }

    private var combined: Int64 { ports.min() ?? Watermark.none }

    /// The smallest watermark of the inputs other than `port`.
    private func others(than port: Int) -> Int64 {
        var lowest = Watermark.end
        for (i, watermark) in ports.enumerated() where i != port { lowest = min(lowest, watermark) }
        return lowest
    }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        var forwarded = batch
        let bound = others(than: port)
        if let arrivals = batch.arrivalWatermarks {
            forwarded.arrivalWatermarks = arrivals.map { min($0, bound) }
        } else if bound < ports[port] {
            forwarded.arrivalWatermarks = Array(repeating: bound, count: batch.count)
        }
        output.emit(forwarded)
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        let before = combined
        ports[port] = max(ports[port], watermark)
        let after = combined
        return after > before ? after : nil
    }

    public var stateFormat: StateFormat { StateFormat(kind: "union", version: 1) }

    public func snapshot(into writer: inout StateWriter) throws {
        writer.write(ports.count)
        for watermark in ports { writer.write(watermark) }
    }

    public func restore(from reader: inout StateReader) throws {
        guard try reader.readCount() == ports.count else { throw StateReader.corrupt("a union of another number of inputs") }
        for i in ports.indices { ports[i] = try reader.readInt64() }
    }
}
