import RivuletConnectors
import Testing

/// `pgoutput` protocol 1 messages, written byte by byte as Postgres's "Logical Replication
/// Message Formats" lays them out, decode into `PgOutputMessage`; every shorter prefix and any
/// extra byte is refused.
@Suite struct PgOutputDecoderTests {
    /// Builds a message the way the server writes it.
    struct Bytes {
        var out: [UInt8] = []

        init(_ tag: Character) { out = [tag.asciiValue!] }

        func u8(_ v: UInt8) -> Bytes { var c = self; c.out.append(v); return c }
        func char(_ v: Character) -> Bytes { u8(v.asciiValue!) }
        func u16(_ v: UInt16) -> Bytes { big(UInt64(v), 2) }
        func u32(_ v: UInt32) -> Bytes { big(UInt64(v), 4) }
        func i32(_ v: Int32) -> Bytes { u32(UInt32(bitPattern: v)) }
        func u64(_ v: UInt64) -> Bytes { big(v, 8) }
        func string(_ s: String) -> Bytes { var c = self; c.out += Array(s.utf8) + [0]; return c }
        func text(_ s: String) -> Bytes { char("t").i32(Int32(s.utf8.count)).raw(Array(s.utf8)) }
        func raw(_ bytes: [UInt8]) -> Bytes { var c = self; c.out += bytes; return c }

        private func big(_ v: UInt64, _ count: Int) -> Bytes {
            var c = self
            for i in (0..<count).reversed() { c.out.append(UInt8(truncatingIfNeeded: v >> UInt64(i * 8))) }
            return c
        }
    }

    static let relation = Bytes("R").u32(16_385).string("public").string("customers").char("d").u16(3)
        .u8(1).string("id").u32(23).i32(-1)
        .u8(0).string("name").u32(25).i32(-1)
        .u8(0).string("region").u32(1043).i32(36)
    static let update = Bytes("U").u32(16_385).char("O").u16(3).text("2").text("Bob").text("south")
        .char("N").u16(3).text("2").text("Bob").char("n")

    @Test("Begin, Relation, Insert, Update, Delete, Truncate and Commit")
    func messages() throws {
        #expect(try PgOutputDecoder.decode(Bytes("B").u64(0x1_6B37_4D48).u64(772_439_312_000_000).u32(741).out)
            == .begin(finalLSN: 0x1_6B37_4D48, commitTime: 772_439_312_000_000, transactionID: 741))
        #expect(try PgOutputDecoder.decode(Self.relation.out) == .relation(PgOutputRelation(
            id: 16_385, namespace: "public", name: "customers", replicaIdentity: .default, columns: [
                .init(isKey: true, name: "id", typeID: 23, typeModifier: -1),
                .init(isKey: false, name: "name", typeID: 25, typeModifier: -1),
                .init(isKey: false, name: "region", typeID: 1043, typeModifier: 36),
            ])))
        #expect(try PgOutputDecoder.decode(Bytes("I").u32(16_385).char("N").u16(3).text("4").text("Dan").char("u").out)
            == .insert(relationID: 16_385, new: [.text(Array("4".utf8)), .text(Array("Dan".utf8)), .unchangedToast]))
        #expect(try PgOutputDecoder.decode(Self.update.out) == .update(
            relationID: 16_385,
            old: PgOutputOldRow(isWholeRow: true, values: [.text(Array("2".utf8)), .text(Array("Bob".utf8)), .text(Array("south".utf8))]),
            new: [.text(Array("2".utf8)), .text(Array("Bob".utf8)), .null]))
        #expect(try PgOutputDecoder.decode(Bytes("U").u32(16_385).char("N").u16(1).text("9").out)
            == .update(relationID: 16_385, old: nil, new: [.text(Array("9".utf8))]))
        #expect(try PgOutputDecoder.decode(Bytes("D").u32(16_385).char("K").u16(3).text("3").char("n").char("n").out)
            == .delete(relationID: 16_385, old: PgOutputOldRow(isWholeRow: false, values: [.text(Array("3".utf8)), .null, .null])))
        #expect(try PgOutputDecoder.decode(Bytes("T").u32(2).u8(1).u32(16_385).u32(16_390).out)
            == .truncate(relationIDs: [16_385, 16_390], cascade: true, restartIdentity: false))
        #expect(try PgOutputDecoder.decode(Bytes("C").u8(0).u64(0x1_6B37_4D48).u64(0x1_6B37_4D78).u64(772_439_312_000_000).out)
            == .commit(commitLSN: 0x1_6B37_4D48, endLSN: 0x1_6B37_4D78, commitTime: 772_439_312_000_000))
        #expect(try PgOutputDecoder.decode(Bytes("Y").u32(16_400).string("public").string("mood").out)
            == .type(id: 16_400, namespace: "public", name: "mood"))
    }

    @Test("Every prefix of a message is cut short; an extra byte is too many")
    func truncatedAndOverlong() {
        for message in [Self.relation.out, Self.update.out] {
            for length in 1..<message.count {
                #expect(throws: PgOutputDecoder.Failure.self) { try PgOutputDecoder.decode(Array(message.prefix(length))) }
            }
            #expect(throws: PgOutputDecoder.Failure("pgoutput message '\(String(UnicodeScalar(message[0])))' has 1 bytes too many")) {
                try PgOutputDecoder.decode(message + [0])
            }
        }
        #expect(throws: PgOutputDecoder.Failure("pgoutput message 'U' is cut short (10 bytes)")) {
            try PgOutputDecoder.decode(Array(Self.update.out.prefix(10)))
        }
        #expect(throws: PgOutputDecoder.Failure("unknown pgoutput message 'Z'")) { try PgOutputDecoder.decode([90]) }
        #expect(throws: PgOutputDecoder.Failure("pgoutput tuple: unknown column kind 'x'")) {
            try PgOutputDecoder.decode(Bytes("I").u32(1).char("N").u16(1).char("x").out)
        }
    }

    @Test("XLogData and keepalives on the replication stream; standby status updates out")
    func replicationStream() throws {
        let insert = Bytes("I").u32(16_385).char("N").u16(1).text("4").out
        let xlog = Bytes("w").u64(0x1_0000_0010).u64(0x1_0000_0090).u64(772_439_312_000_001).raw(insert).out
        #expect(try ReplicationMessage.decode(xlog)
            == .xLogData(start: 0x1_0000_0010, walEnd: 0x1_0000_0090, serverTime: 772_439_312_000_001, data: insert))
        #expect(try ReplicationMessage.decode(Bytes("k").u64(0x1_0000_0090).u64(5).u8(1).out)
            == .keepalive(walEnd: 0x1_0000_0090, serverTime: 5, replyRequested: true))
        #expect(throws: PgOutputDecoder.Failure("a replication message is cut short (9 bytes)")) {
            try ReplicationMessage.decode(Bytes("k").u64(1).out)
        }
        let update = StandbyStatusUpdate(written: 0x1_0000_0090, flushed: 0x1_0000_0010, applied: 0x1_0000_0010, clientTime: 7)
        #expect(update.bytes == Bytes("r").u64(0x1_0000_0090).u64(0x1_0000_0010).u64(0x1_0000_0010).u64(7).u8(0).out)
    }
}
