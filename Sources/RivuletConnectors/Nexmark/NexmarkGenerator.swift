#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RivuletCore

/// Generates Nexmark events straight into columns, modelled on the reference generator
/// (`gen_nexmark.py`): dense ids from 1000 in creation order; a bid names the "hot" auction
/// (the latest multiple of 100) half of the time, else one of the last 100 auctions (or up to 10
/// ahead); its bidder is the hot person 75% of the time, else one of the last 1000 persons (or
/// up to 10 ahead); an auction's seller is the hot person (50%), the newest person (25%) or a
/// recent one; prices are `round(10^(6u) × 100)`.
///
/// Every value of event `i` is drawn from a generator seeded by `(seed, i)` alone, so the three
/// kinds, read by separate sources, agree on ids and times, and any range can be produced on its
/// own (resuming from a checkpointed position regenerates the same rows).
final class NexmarkGenerator: @unchecked Sendable {
    let config: NexmarkConfig

    static let firstId: Int64 = 1000
    static let hotRatio: Int64 = 100
    static let inFlightAuctions: Int64 = 100
    static let activePeople: Int64 = 1000
    static let idLead: Int64 = 10
    static let categories: UInt64 = 5
    static let firstCategory: Int64 = 10

    private let words: TextPool
    private let names: TextPool
    private let cities: TextPool
    private let states: TextPool
    private let hotChannels: TextPool
    private let channels: TextPool
    private let urlPrefix = TextPool(strings: ["https://www.nexmark.com/", "/item.htm?query=1", "&channel_id=", "@", ".com"])

    init(config: NexmarkConfig) {
        self.config = config
        var rng = SplitMix64(seed: config.seed ^ 0x6E65_786D_6172_6B21)
        var pool: [[UInt8]] = []
        pool.reserveCapacity(4096)
        for _ in 0..<4096 {
            let length = 3 + Int(rng.nextBelow(10))
            pool.append((0..<length).map { _ in UInt8(97 + rng.nextBelow(26)) })
        }
        words = TextPool(pool)
        let first = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"]
        let last = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"]
        names = TextPool(strings: first.flatMap { f in last.map { "\(f) \($0)" } })
        cities = TextPool(strings: [
            "Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne",
        ])
        states = TextPool(strings: ["AZ", "CA", "ID", "OR", "WA", "WY"])
        hotChannels = TextPool(strings: ["Google", "Facebook", "Baidu", "Apple"])
        channels = TextPool(strings: (0..<10_000).map { "channel-\($0)" })
    }

    /// Number of events this source emits (nil: unbounded): a one-kind source its kind's share.
    var total: Int64? {
        guard let events = config.events else { return nil }
        return config.kind.map { config.mix.count($0, amongFirst: events) } ?? events
    }

    @inline(__always)
    private func eventTime(_ i: Int64, _ rng: inout SplitMix64) -> Int64 {
        let nominal = config.baseTime + (i &* 1000) / config.rate
        let draw = rng.next()
        guard config.outOfOrderFraction > 0, config.maxDelayMillis > 0 else { return nominal }
        guard Double(draw >> 11) * 0x1.0p-53 < config.outOfOrderFraction else { return nominal }
        return nominal - 1 - Int64((draw & 0xFFFF_FFFF) % UInt64(config.maxDelayMillis))
    }

    @inline(__always)
    private static func price(_ rng: inout SplitMix64) -> Int64 {
        NexmarkPrice.price(unit: rng.nextUnit())
    }

    /// Ids of the newest person and auction created before the event `walk` is at (0-based,
    /// before adding `firstId`).
    @inline(__always)
    private func newest(_ walk: NexmarkMix.Walk) -> (person: Int64, auction: Int64) {
        let (persons, auctions) = config.mix.created(epoch: walk.epoch, offset: walk.offset)
        return (max(persons - 1, 0), max(auctions - 1, 0))
    }

    /// A recent person: the hot one, or one of the last `activePeople` (+ `idLead` ahead).
    @inline(__always)
    private static func coldPerson(_ lastPerson: Int64, _ draw: UInt64) -> Int64 {
        let active = min(lastPerson + 1, activePeople)
        return firstId + (lastPerson + 1) - active + Int64(draw % UInt64(active + idLead))
    }

    /// Appends rows for `kind`'s events `start ..< start + count`; `fields[slot]` is the kind's
    /// field index that fills output column `slot`.
    func generate(_ kind: NexmarkKind, from start: Int64, count: Int, fields: [Int], into batch: inout RowBatch) {
        switch kind {
        case .bid: generateBids(from: start, count: count, fields: fields, into: &batch)
        case .auction: generateAuctions(from: start, count: count, fields: fields, into: &batch)
        case .person: generatePersons(from: start, count: count, fields: fields, into: &batch)
        }
        batch.count += count
    }

    /// Fills an empty batch with the global events `start ..< start + count` in Nexmark's
    /// one-source shape: `event_type`, and per kind a ROW holding the event when it is of that
    /// kind, else NULL.
    func generateEvents(from start: Int64, count: Int, columns: [NexmarkColumn], into batch: inout RowBatch) {
        let end = start + Int64(count)
        let kinds = (start..<end).map(config.mix.kind(ofEvent:))
        for (slot, column) in columns.enumerated() {
            switch column {
            case .eventType:
                batch.columns[slot].ints.append(contentsOf: kinds.lazy.map(\.eventType))
                if batch.columns[slot].validity != nil { for _ in 0..<count { batch.columns[slot].validity!.append(true) } }
            case .event(let kind, let fields, let types):
                let first = config.mix.count(kind, amongFirst: start)
                let rowCount = Int(config.mix.count(kind, amongFirst: end) - first)
                var rows = RowBatch(types: types)
                generate(kind, from: first, count: rowCount, fields: fields, into: &rows)
                // The kind's rows go to its events' places, its ROW NULL at every other event.
                let positions = kinds.indices.filter { kinds[$0] == kind }
                let rowColumn = Column(kind: .struct, ints: [Int64](repeating: 0, count: rowCount), children: rows.columns)
                batch.columns[slot] = rowColumn.scattered(to: positions, count: count)
            case .field:
                preconditionFailure("a kind's field in the one-source shape")
            }
        }
        batch.count += count
    }

    /// Bids are the bulk of every Nexmark stream, so they are generated a column at a time:
    /// each requested field fills a local buffer that becomes the batch's column, and fields
    /// nobody asked for are not computed (their random draws are still taken, so every row's
    /// values stay the same whichever columns are read).
    private func generateBids(from start: Int64, count: Int, fields: [Int], into batch: inout RowBatch) {
        var wanted = [Bool](repeating: false, count: 7)
        for field in fields where field >= 0 && field < 7 { wanted[field] = true }
        let wantAuction = wanted[0], wantBidder = wanted[1], wantPrice = wanted[2], wantChannel = wanted[3]
        let wantURL = wanted[4], wantTime = wanted[5], wantExtra = wanted[6]
        func ints(_ wanted: Bool) -> [Int64] {
            var values: [Int64] = []
            if wanted { values.reserveCapacity(count) }
            return values
        }
        func texts(_ wanted: Bool, bytesPerRow: Int) -> ByteColumn {
            var column = ByteColumn()
            if wanted { column.reserveCapacity(rows: count, bytes: count * bytesPerRow) }
            return column
        }
        var auctions = ints(wantAuction), bidders = ints(wantBidder), prices = ints(wantPrice), times = ints(wantTime)
        var channels = texts(wantChannel, bytesPerRow: 12)
        var urls = texts(wantURL, bytesPerRow: 72)
        var extras = texts(wantExtra, bytesPerRow: 8)
        let seed = config.seed
        var walk = NexmarkMix.Walk(config.mix, .bid, from: start)
        for _ in 0..<count {
            let i = walk.eventIndex
            var rng = SplitMix64(seed: seed, index: UInt64(i))
            let time = eventTime(i, &rng)
            let (lastPerson, lastAuction) = newest(walk)
            walk.advance()
            let drawAuction = rng.next()
            if wantAuction {
                let auction: Int64
                if drawAuction >> 63 == 0 {
                    auction = Self.firstId + (lastAuction / Self.hotRatio) * Self.hotRatio
                } else {
                    let low = max(lastAuction - Self.inFlightAuctions, 0)
                    auction = Self.firstId + low + Int64((drawAuction & 0x7FFF_FFFF_FFFF_FFFF) % UInt64(lastAuction - low + 1 + Self.idLead))
                }
                auctions.append(auction)
            }
            let drawBidder = rng.next()
            if wantBidder {
                bidders.append(drawBidder >> 62 != 0
                    ? Self.firstId + (lastPerson / Self.hotRatio) * Self.hotRatio
                    : Self.coldPerson(lastPerson, drawBidder & 0x3FFF_FFFF_FFFF_FFFF))
            }
            let drawPrice = rng.nextUnit()
            if wantPrice { prices.append(NexmarkPrice.price(unit: drawPrice)) }
            let drawChannel = rng.next()
            let hotChannel = drawChannel >> 63 == 0
            let channel = Int((drawChannel & 0xFFFF_FFFF) % 10_000)
            let drawUrl = rng.next()
            let drawExtra = rng.next()
            if wantChannel { channels.append(hotChannel ? hotChannels[channel & 3] : self.channels[channel]) }
            if wantURL {
                urls.bytes.append(contentsOf: urlPrefix[0])
                urls.bytes.append(contentsOf: words[Int(drawUrl & 4095)])
                urls.bytes.append(UInt8(ascii: "/"))
                urls.bytes.append(contentsOf: words[Int((drawUrl >> 12) & 4095)])
                urls.bytes.append(contentsOf: urlPrefix[1])
                if !hotChannel {
                    urls.bytes.append(contentsOf: urlPrefix[2])
                    ValueText.appendInt(Int64(channel), to: &urls.bytes)
                }
                urls.offsets.append(urls.bytes.count)
            }
            if wantTime { times.append(time) }
            if wantExtra { extras.append(words[Int(drawExtra & 4095)]) }
        }
        for (slot, field) in fields.enumerated() {
            let column: Column
            switch field {
            case 0: column = Column(ints: auctions)
            case 1: column = Column(ints: bidders)
            case 2: column = Column(ints: prices)
            case 3: column = Column(strings: channels)
            case 4: column = Column(strings: urls)
            case 5: column = Column(ints: times)
            default: column = Column(strings: extras)
            }
            if batch.count == 0 {
                batch.columns[slot] = column
            } else {
                for row in 0..<count { batch.columns[slot].append(from: column, row: row) }
            }
        }
    }

    private func generateAuctions(from start: Int64, count: Int, fields: [Int], into batch: inout RowBatch) {
        let seed = config.seed
        var walk = NexmarkMix.Walk(config.mix, .auction, from: start)
        for k in start..<(start + Int64(count)) {
            let i = walk.eventIndex
            var rng = SplitMix64(seed: seed, index: UInt64(i))
            let time = eventTime(i, &rng)
            let (lastPerson, _) = newest(walk)
            walk.advance()
            let id = Self.firstId + k
            let drawSeller = rng.next()
            let seller: Int64
            switch drawSeller >> 62 {
            case 0, 1: seller = Self.firstId + (lastPerson / Self.hotRatio) * Self.hotRatio
            case 2: seller = Self.firstId + lastPerson
            default: seller = Self.coldPerson(lastPerson, drawSeller & 0x3FFF_FFFF_FFFF_FFFF)
            }
            let initialBid = Self.price(&rng)
            let reserve = initialBid + Self.price(&rng)
            let drawMisc = rng.next()
            let expires = time + 2000 + Int64((drawMisc & 0xFFFF_FFFF) % 60_000)
            let category = Self.firstCategory + Int64((drawMisc >> 32) % Self.categories)
            let drawText = rng.next()
            for (slot, field) in fields.enumerated() {
                switch field {
                case 0: batch.columns[slot].ints.append(id)
                case 1: batch.columns[slot].strings.append(words[Int(drawText & 4095)])
                case 2: batch.columns[slot].strings.append(words[Int((drawText >> 12) & 4095)])
                case 3: batch.columns[slot].ints.append(initialBid)
                case 4: batch.columns[slot].ints.append(reserve)
                case 5: batch.columns[slot].ints.append(time)
                case 6: batch.columns[slot].ints.append(expires)
                case 7: batch.columns[slot].ints.append(seller)
                case 8: batch.columns[slot].ints.append(category)
                default: batch.columns[slot].strings.append(words[Int((drawText >> 24) & 4095)])
                }
            }
        }
    }

    private func generatePersons(from start: Int64, count: Int, fields: [Int], into batch: inout RowBatch) {
        let seed = config.seed
        var walk = NexmarkMix.Walk(config.mix, .person, from: start)
        for k in start..<(start + Int64(count)) {
            let i = walk.eventIndex
            walk.advance()
            var rng = SplitMix64(seed: seed, index: UInt64(i))
            let time = eventTime(i, &rng)
            let id = Self.firstId + k
            let drawText = rng.next()
            let drawCard = rng.next()
            for (slot, field) in fields.enumerated() {
                switch field {
                case 0: batch.columns[slot].ints.append(id)
                case 1: batch.columns[slot].strings.append(names[Int(drawText % UInt64(names.count))])
                case 2:
                    batch.columns[slot].strings.bytes.append(contentsOf: words[Int((drawText >> 8) & 4095)])
                    batch.columns[slot].strings.bytes.append(contentsOf: urlPrefix[3])
                    batch.columns[slot].strings.bytes.append(contentsOf: words[Int((drawText >> 20) & 4095)])
                    batch.columns[slot].strings.bytes.append(contentsOf: urlPrefix[4])
                    batch.columns[slot].strings.offsets.append(batch.columns[slot].strings.bytes.count)
                case 3:
                    for group in 0..<4 {
                        if group > 0 { batch.columns[slot].strings.bytes.append(UInt8(ascii: " ")) }
                        ValueText.appendPadded(Int64((drawCard >> UInt64(16 * group)) & 0xFFFF) % 10_000, width: 4, to: &batch.columns[slot].strings.bytes)
                    }
                    batch.columns[slot].strings.offsets.append(batch.columns[slot].strings.bytes.count)
                case 4: batch.columns[slot].strings.append(cities[Int((drawText >> 32) % UInt64(cities.count))])
                case 5: batch.columns[slot].strings.append(states[Int((drawText >> 40) % UInt64(states.count))])
                case 6: batch.columns[slot].ints.append(time)
                default: batch.columns[slot].strings.append(words[Int((drawText >> 48) & 4095)])
                }
            }
        }
    }
}
