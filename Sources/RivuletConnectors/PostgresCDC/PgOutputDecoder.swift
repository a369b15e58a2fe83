import RivuletCore

/// Decodes `pgoutput` protocol version 1 messages (`PgOutputMessage`). A message must be read
/// to its last byte: anything short, left over or unknown is an error naming the message.
public enum PgOutputDecoder {
    public struct Failure: Error, Equatable, Sendable {
        public var reason: String

        public init(_ reason: String) { self.reason = reason }
    }

    public static func decode(_ bytes: [UInt8]) throws(Failure) -> PgOutputMessage {
        guard let tag = bytes.first else { throw Failure("an empty pgoutput message") }
        let name = String(UnicodeScalar(tag))
        var reader = WireReader(bytes, from: 1)
        let message: PgOutputMessage
        do {
            message = try decode(tag: tag, &reader)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure("pgoutput message '\(name)' is cut short (\(bytes.count) bytes)")
        }
        guard reader.isAtEnd else { throw Failure("pgoutput message '\(name)' has \(bytes.count - reader.offset) bytes too many") }
        return message
    }

    /// A message of the replication stream from the server at `location`; one that does not
    /// decode is an I/O error naming the server.
    static func decode(_ bytes: [UInt8], from location: String) throws(SQLError) -> PgOutputMessage {
        do {
            return try decode(bytes)
        } catch {
            throw SQLError(.ioError, "Postgres at \(location) sent a message that does not decode: \(error.reason)")
        }
    }

    private static func decode(tag: UInt8, _ reader: inout WireReader) throws -> PgOutputMessage {
        switch tag {
        case UInt8(ascii: "B"):
            return .begin(finalLSN: try reader.uint64(), commitTime: try reader.int64(), transactionID: try reader.uint32())
        case UInt8(ascii: "C"):
            _ = try reader.byte()  // flags, unused
            return .commit(commitLSN: try reader.uint64(), endLSN: try reader.uint64(), commitTime: try reader.int64())
        case UInt8(ascii: "R"):
            let id = try reader.uint32()
            let namespace = try reader.string()
            let name = try reader.string()
            let identityCode = try reader.byte()
            guard let identity = PgOutputRelation.ReplicaIdentity(rawValue: identityCode) else {
                throw Failure("relation '\(name)' has an unknown replica identity '\(String(UnicodeScalar(identityCode)))'")
            }
            var columns: [PgOutputRelation.Column] = []
            for _ in 0..<(try reader.uint16()) {
                let flags = try reader.byte()
                columns.append(.init(isKey: flags & 1 != 0, name: try reader.string(), typeID: try reader.uint32(), typeModifier: try reader.int32()))
            }
            return .relation(PgOutputRelation(id: id, namespace: namespace, name: name, replicaIdentity: identity, columns: columns))
        case UInt8(ascii: "I"):
            let id = try reader.uint32()
            try expect(UInt8(ascii: "N"), in: &reader, message: "insert")
            return .insert(relationID: id, new: try tuple(&reader))
        case UInt8(ascii: "U"):
            let id = try reader.uint32()
            var old: PgOutputOldRow?
            var marker = try reader.byte()
            if marker == UInt8(ascii: "K") || marker == UInt8(ascii: "O") {
                old = PgOutputOldRow(isWholeRow: marker == UInt8(ascii: "O"), values: try tuple(&reader))
                marker = try reader.byte()
            }
            guard marker == UInt8(ascii: "N") else { throw Failure("pgoutput update: expected 'N', found '\(String(UnicodeScalar(marker)))'") }
            return .update(relationID: id, old: old, new: try tuple(&reader))
        case UInt8(ascii: "D"):
            let id = try reader.uint32()
            let marker = try reader.byte()
            guard marker == UInt8(ascii: "K") || marker == UInt8(ascii: "O") else {
                throw Failure("pgoutput delete: expected 'K' or 'O', found '\(String(UnicodeScalar(marker)))'")
            }
            return .delete(relationID: id, old: PgOutputOldRow(isWholeRow: marker == UInt8(ascii: "O"), values: try tuple(&reader)))
        case UInt8(ascii: "T"):
            let count = try reader.uint32()
            let options = try reader.byte()
            var ids: [UInt32] = []
            for _ in 0..<count { ids.append(try reader.uint32()) }
            return .truncate(relationIDs: ids, cascade: options & 1 != 0, restartIdentity: options & 2 != 0)
        case UInt8(ascii: "Y"):
            return .type(id: try reader.uint32(), namespace: try reader.string(), name: try reader.string())
        case UInt8(ascii: "O"):
            return .origin(lsn: try reader.uint64(), name: try reader.string())
        default:
            throw Failure("unknown pgoutput message '\(String(UnicodeScalar(tag)))'")
        }
    }

    private static func expect(_ marker: UInt8, in reader: inout WireReader, message: String) throws {
        let found = try reader.byte()
        guard found == marker else {
            throw Failure("pgoutput \(message): expected '\(String(UnicodeScalar(marker)))', found '\(String(UnicodeScalar(found)))'")
        }
    }

    /// TupleData: a column count, then each column as `n` (NULL), `u` (unchanged TOAST) or `t`
    /// with a length and the value's text.
    private static func tuple(_ reader: inout WireReader) throws -> [PgOutputValue] {
        var values: [PgOutputValue] = []
        for _ in 0..<(try reader.uint16()) {
            let kind = try reader.byte()
            switch kind {
            case UInt8(ascii: "n"): values.append(.null)
            case UInt8(ascii: "u"): values.append(.unchangedToast)
            case UInt8(ascii: "t"): values.append(.text(try reader.bytes(Int(try reader.int32()))))
            default: throw Failure("pgoutput tuple: unknown column kind '\(String(UnicodeScalar(kind)))'")
            }
        }
        return values
    }
}
