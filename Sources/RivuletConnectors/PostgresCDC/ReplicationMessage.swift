/// What the server sends in CopyData on a replication connection after `START_REPLICATION`.
public enum ReplicationMessage: Equatable, Sendable {
    /// `w`: WAL data (a `pgoutput` message) starting at `start`.
    case xLogData(start: UInt64, walEnd: UInt64, serverTime: Int64, data: [UInt8])
    /// `k`: the server's position; when `replyRequested` it waits for a standby status update.
    case keepalive(walEnd: UInt64, serverTime: Int64, replyRequested: Bool)

    public static func decode(_ bytes: [UInt8]) throws(PgOutputDecoder.Failure) -> ReplicationMessage {
        var reader = WireReader(bytes)
        do {
            switch try reader.byte() {
            case UInt8(ascii: "w"):
                return .xLogData(start: try reader.uint64(), walEnd: try reader.uint64(), serverTime: try reader.int64(), data: reader.rest())
            case UInt8(ascii: "k"):
                let message = ReplicationMessage.keepalive(walEnd: try reader.uint64(), serverTime: try reader.int64(), replyRequested: try reader.byte() != 0)
                guard reader.isAtEnd else { throw PgOutputDecoder.Failure("a keepalive message has \(bytes.count - reader.offset) bytes too many") }
                return message
            case let tag:
                throw PgOutputDecoder.Failure("unknown replication message '\(String(UnicodeScalar(tag)))'")
            }
        } catch let failure as PgOutputDecoder.Failure {
            throw failure
        } catch {
            throw PgOutputDecoder.Failure("a replication message is cut short (\(bytes.count) bytes)")
        }
    }
}
