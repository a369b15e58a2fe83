import RivuletConnectors
import RivuletCore
import RivuletRuntime
import Testing

@Suite struct GeneratorTests {
    let auctionFields = [
        Field("id", .bigint), Field("itemName", .varchar), Field("description", .varchar), Field("initialBid", .bigint),
        Field("reserve", .bigint), Field("dateTime", .timestamp3), Field("expires", .timestamp3), Field("seller", .bigint),
        Field("category", .bigint), Field("extra", .varchar),
    ]
    let personFields = [
        Field("id", .bigint), Field("name", .varchar), Field("emailAddress", .varchar), Field("creditCard", .varchar),
        Field("city", .varchar), Field("state", .varchar), Field("dateTime", .timestamp3), Field("extra", .varchar),
    ]

    func nexmark(_ kind: String, _ fields: [Field], events: Int, seed: Int = 7, dir: TempDirectory) throws -> [[Value]] {
        let t = relation(kind, fields, "nexmark", ["kind": kind, "events": String(events), "seed": String(seed), "rate": "1000"])
        return try readAll(try source(t, context: dir.context), types: t.schema.types, maxRows: 997)
    }

    @Test func nexmarkIsDeterministicForASeed() throws {
        let dir = try TempDirectory()
        let a = try nexmark("bid", bidFields, events: 5000, dir: dir)
        let b = try nexmark("bid", bidFields, events: 5000, dir: dir)
        let c = try nexmark("bid", bidFields, events: 5000, seed: 8, dir: dir)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func nexmarkProportionsIdsAndTimesAreConsistent() throws {
        let dir = try TempDirectory()
        let events = 10_000
        let bids = try nexmark("bid", bidFields, events: events, dir: dir)
        let auctions = try nexmark("auction", auctionFields, events: events, dir: dir)
        let persons = try nexmark("person", personFields, events: events, dir: dir)
        #expect(persons.count == 200)
        #expect(auctions.count == 600)
        #expect(bids.count == 9200)
        #expect(persons.map { $0[0] } == (0..<200).map { .int(1000 + Int64($0)) })
        #expect(auctions.map { $0[0] } == (0..<600).map { .int(1000 + Int64($0)) })
        // Bids refer to auctions and persons that exist (or are at most 10 ids ahead), hot ones often.
        var hotAuction = 0
        for bid in bids {
            guard case .int(let auction) = bid[0], case .int(let bidder) = bid[1], case .int(let price) = bid[2] else {
                Issue.record("unexpected bid \(bid)")
                return
            }
            #expect(auction >= 1000 && auction < 1000 + 600 + 10)
            #expect(bidder >= 1000 && bidder < 1000 + 200 + 10)
            #expect(price >= 100 && price <= 100_000_000)
            if auction % 100 == 0 { hotAuction += 1 }
        }
        #expect(hotAuction > bids.count * 4 / 10)
        for auction in auctions {
            guard case .int(let seller) = auction[7], case .int(let category) = auction[8],
                  case .int(let initial) = auction[3], case .int(let reserve) = auction[4],
                  case .timestamp(let time) = auction[5], case .timestamp(let expires) = auction[6] else {
                Issue.record("unexpected auction \(auction)")
                return
            }
            #expect(seller >= 1000 && seller < 1000 + 200 + 10)
            #expect((10...14).contains(category))
            #expect(reserve > initial)
            #expect(expires > time)
        }
        // Event times follow the global event index at `rate` events per second.
        #expect(persons[1][6] == .timestamp(1_704_110_400_000 + 50))
        #expect(bids[0][5] == .timestamp(1_704_110_400_000 + 4))
        guard case .string(let url) = bids[0][4], case .string(let card) = persons[0][3], case .string(let email) = persons[0][2] else {
            Issue.record("unexpected strings")
            return
        }
        #expect(url.hasPrefix("https://www.nexmark.com/") && url.contains("/item.htm?query=1"))
        #expect(card.count == 19)
        #expect(email.hasSuffix(".com") && email.contains("@"))
    }

    @Test func nexmarkProjectionGivesTheSameValues() throws {
        let dir = try TempDirectory()
        let t = relation("bid", bidFields, "nexmark", ["kind": "bid", "events": "3000"])
        let all = try readAll(try source(t, context: dir.context), types: t.schema.types)
        let some = try readAll(try source(t, columns: [2, 0], context: dir.context), types: [.bigint, .bigint])
        #expect(some == all.map { [$0[2], $0[0]] })
    }

    @Test func nexmarkRejectsUnknownColumnsAndKinds() throws {
        let dir = try TempDirectory()
        let wrongColumn = relation("bid", [Field("prise", .bigint)], "nexmark", ["kind": "bid"])
        let error = sqlError { _ = try source(wrongColumn, context: dir.context) }
        #expect(error?.message.contains("'prise'") == true)
        #expect(error?.hint == "did you mean 'price'?")
        let wrongKind = relation("bid", bidFields, "nexmark", ["kind": "bids"])
        #expect(sqlError { _ = try source(wrongKind, context: dir.context) }?.hint == "did you mean 'bid'?")
    }

    @Test func datagenBoundedSequenceAndRandomRanges() throws {
        let dir = try TempDirectory()
        let t = relation(
            [Field("id", .bigint), Field("v", .integer), Field("s", .varchar), Field("ts", .timestamp3)], "datagen",
            ["number-of-rows": "2500", "seed": "1", "fields.id.kind": "sequence", "fields.id.start": "10",
             "fields.id.end": "100000", "fields.v.min": "5", "fields.v.max": "9", "fields.s.length": "4"])
        let rows = try readAll(try source(t, context: dir.context), types: t.schema.types)
        #expect(rows.count == 2500)
        #expect(rows.first?[0] == .int(10))
        #expect(rows.last?[0] == .int(2509))
        var times: [Int64] = []
        for row in rows {
            guard case .int(let v) = row[1], case .string(let s) = row[2], case .timestamp(let ts) = row[3] else {
                Issue.record("unexpected row \(row)")
                return
            }
            #expect((5...9).contains(v))
            #expect(s.count == 4)
            times.append(ts)
        }
        #expect(times == times.sorted())
        #expect(try readAll(try source(t, context: dir.context), types: t.schema.types) == rows)
    }

    @Test func datagenSequenceEndsTheSource() throws {
        let dir = try TempDirectory()
        let t = relation([Field("id", .bigint)], "datagen", ["fields.id.kind": "sequence", "fields.id.start": "1", "fields.id.end": "5"])
        #expect(try readAll(try source(t, context: dir.context), types: [.bigint]) == (1...5).map { [.int(Int64($0))] })
    }

    @Test func datagenOptionErrorsNameTheOption() throws {
        let dir = try TempDirectory()
        let t = relation([Field("id", .bigint)], "datagen", ["fields.idd.kind": "sequence"])
        let error = sqlError { _ = try source(t, context: dir.context) }
        #expect(error?.message.contains("fields.idd.kind") == true)
        #expect(error?.hint == "did you mean 'id'?")
        let noEnd = relation([Field("id", .bigint)], "datagen", ["fields.id.kind": "sequence", "fields.id.start": "1"])
        #expect(sqlError { _ = try source(noEnd, context: dir.context) }?.message == "missing option 'fields.id.end' for connector 'datagen'")
    }
}
