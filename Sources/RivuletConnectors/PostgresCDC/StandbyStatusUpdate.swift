/// The client's `r` message on a replication connection: how far it has received, made
/// durable and applied the WAL. The server may discard WAL up to `flushed`, and a slot's
/// `confirmed_flush_lsn` becomes it, so `flushed` is only what a committed checkpoint holds.
public struct StandbyStatusUpdate: Equatable, Sendable {
    public var written: UInt64
    public var flushed: UInt64
    public var applied: UInt64
    /// Microseconds since 2000-01-01 UTC.
    public var clientTime: Int64
    public var replyRequested: Bool

    public init(written: UInt64, flushed: UInt64, applied: UInt64, clientTime: Int64, replyRequested: Bool = false) {
        self.written = written
        self.flushed = flushed
        self.applied = applied
        self.clientTime = clientTime
        self.replyRequested = replyRequested
    }

    public var bytes: [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "r")]
        for value in [written, flushed, applied, UInt64(bitPattern: clientTime)] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
        out.append(replyRequested ? 1 : 0)
        return out
    }
}
