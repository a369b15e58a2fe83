public import RivuletCore
public import RivuletPlanner

/// `probe JOIN versioned FOR SYSTEM_TIME AS OF probe.time`: each probe (left) row joins the
/// version of the versioned table (right: a keyed table with event time) valid at the probe's
/// event time — the latest version at or before it; a deleted or missing version gives no
/// match (NULLs for LEFT JOIN). Probe rows wait until the combined watermark reaches their
/// time, so every version up to it has arrived; they are then emitted in time order. Versions
/// older than the newest one at or below the watermark can no longer be chosen and are dropped.
/// A probe row below the watermark it arrives under is late: counted and dropped.
public final class TemporalJoin: StreamOperator {
    private struct Version {
        var time: Int64
        var row: [Value]?
    }

    private let plan: StreamPlan.Join
    private let probeTime: Int
    private let versionTime: Int
    private var matcher: JoinMatcher
    /// Per key, versions in time order.
    private var versions: [[Value]: [Version]] = [:]
    private var versionCount = 0
    private var pending: [(time: Int64, sequence: Int, row: [Value], key: [Value]?)] = []
    private var sequence = 0
    private var watermarks = InputWatermarks()
    private let late = LateRowCounter()
    public var lateRowCounter: LateRowCounter? { late }

    public init(_ plan: StreamPlan.Join) throws(SQLError) {
        guard let probeTime = plan.leftTime, let versionTime = plan.rightTime else {
            throw SQLError.internal("TemporalJoin needs the probe time and the version time")
        }
        self.plan = plan
        self.probeTime = probeTime
        self.versionTime = versionTime
        matcher = try JoinMatcher(plan, changelog: false)
    }

    public var keepsState: Bool { true }
    public var stateSize: Int { versionCount + pending.count }

    public func process(_ batch: RowBatch, port: Int, into output: inout Collector) throws {
        let times = batch.columns[port == 0 ? probeTime : versionTime]
        for row in 0..<batch.count {
            if times.isNull(row) { continue }
            let time = times.ints[row]
            let key = matcher.key(batch, row, port: port)
            if port == 1 {
                guard let key else { continue }
                let version = Version(time: time, row: batch.kind(row).isAccumulate ? matcher.values(batch, row, port: 1) : nil)
                var list = versions[key] ?? []
                // Insert in time order; a later arrival with the same time replaces the version.
                let index = list.lastIndex(where: { $0.time <= time }).map { $0 + 1 } ?? 0
                if index > 0, list[index - 1].time == time {
                    list[index - 1] = version
                } else {
                    list.insert(version, at: index)
                    versionCount += 1
                }
                versions[key] = list
                continue
            }
            let arrival = watermarks.arrival(batch, row: row, port: 0)
            if time < arrival {
                late.drop(batch, row: row, watermark: arrival)
                continue
            }
            pending.append((time, sequence, matcher.values(batch, row, port: 0), key))
            sequence += 1
        }
    }

    public func watermarkAdvanced(to watermark: Int64, port: Int, into output: inout Collector) throws -> Int64? {
        guard let combined = watermarks.advance(port, to: watermark) else { return nil }
        let ready = pending.filter { $0.time <= combined }.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
        pending.removeAll { $0.time <= combined }
        for probe in ready {
            var match: [Value]?
            if let key = probe.key, let list = versions[key], let version = list.last(where: { $0.time <= probe.time }) {
                match = version.row
            }
            if let candidate = match, try !matcher.residualHolds(probe.row, port: 0, candidates: [candidate])[0] { match = nil }
            if match != nil || plan.kind == .left { matcher.emit(left: probe.row, right: match) }
        }
        matcher.flush(into: &output)
        // Only the newest version at or below the watermark can still be chosen by later probes.
        if combined != Watermark.end {
            for (key, list) in versions {
                guard let newest = list.lastIndex(where: { $0.time <= combined }), newest > 0 else { continue }
                versionCount -= newest
                versions[key] = Array(list[newest...])
            }
        }
        return combined
    }

    public var stateFormat: StateFormat { StateFormat(kind: "temporal-join", version: 1) }
}

extension TemporalJoin {
    /// Each key's versions in time order (a deletion as an absent row), the probe rows waiting
    /// for the watermark with their arrival order, and the input watermarks.
    public func snapshot(into writer: inout StateWriter) throws {
        watermarks.save(into: &writer)
        writer.write(late.count)
        writer.write(sequence)
        writer.write(versions.count)
        for (key, list) in versions {
            writer.write(row: key)
            writer.write(list.count)
            for version in list {
                writer.write(version.time)
                writer.write(optionalRow: version.row)
            }
        }
        writer.write(pending.count)
        for probe in pending {
            writer.write(probe.time)
            writer.write(probe.sequence)
            writer.write(row: probe.row)
            writer.write(optionalRow: probe.key)
        }
    }

    public func restore(from reader: inout StateReader) throws {
        guard versions.isEmpty, pending.isEmpty else { throw SQLError.internal("restoring a temporal join that holds state") }
        try watermarks.restore(from: &reader)
        late.restore(count: try reader.readInt())
        sequence = try reader.readInt()
        for _ in 0..<(try reader.readCount()) {
            let key = try reader.readRow()
            var list: [Version] = []
            for _ in 0..<(try reader.readCount()) {
                list.append(Version(time: try reader.readInt64(), row: try reader.readOptionalRow()))
            }
            versions[key] = list
            versionCount += list.count
        }
        for _ in 0..<(try reader.readCount()) {
            pending.append((try reader.readInt64(), try reader.readInt(), try reader.readRow(), try reader.readOptionalRow()))
        }
    }
}
