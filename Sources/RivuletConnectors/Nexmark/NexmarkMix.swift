/// How the three Nexmark kinds interleave in the one event sequence: of every `epochLength`
/// events the first `persons` are persons, the next `auctions` auctions and the rest bids
/// (Nexmark's `person.proportion`, `auction.proportion`, `bid.proportion`; 1:3:46 by default).
struct NexmarkMix: Hashable, Sendable {
    let persons: Int64
    let auctions: Int64
    let bids: Int64

    static let standard = NexmarkMix(persons: 1, auctions: 3, bids: 46)

    init(persons: Int64, auctions: Int64, bids: Int64) {
        self.persons = persons
        self.auctions = auctions
        self.bids = bids
    }

    var epochLength: Int64 { persons + auctions + bids }

    func perEpoch(_ kind: NexmarkKind) -> Int64 {
        switch kind {
        case .person: return persons
        case .auction: return auctions
        case .bid: return bids
        }
    }

    /// Offset within an epoch of the kind's first event.
    func firstOffset(_ kind: NexmarkKind) -> Int64 {
        switch kind {
        case .person: return 0
        case .auction: return persons
        case .bid: return persons + auctions
        }
    }

    /// The kind of global event `i`.
    func kind(ofEvent i: Int64) -> NexmarkKind {
        let offset = i % epochLength
        return offset < persons ? .person : offset < persons + auctions ? .auction : .bid
    }

    /// How many of the first `events` events are of `kind`.
    func count(_ kind: NexmarkKind, amongFirst events: Int64) -> Int64 {
        let epochs = events / epochLength
        let rest = events % epochLength
        let per = perEpoch(kind)
        return epochs * per + min(max(rest - firstOffset(kind), 0), per)
    }

    /// Persons and auctions created before global event `i` (0-based counts).
    func created(before i: Int64) -> (persons: Int64, auctions: Int64) {
        created(epoch: i / epochLength, offset: i % epochLength)
    }

    /// `created(before:)` for the event at `offset` within epoch `epoch`, without dividing.
    @inline(__always)
    func created(epoch: Int64, offset: Int64) -> (persons: Int64, auctions: Int64) {
        (epoch * persons + min(offset, persons), epoch * auctions + min(max(offset - persons, 0), auctions))
    }

    /// Walks one kind's events in order, giving each one's global index and position in its
    /// epoch: the generator's inner loops step it instead of dividing per row.
    struct Walk {
        let mix: NexmarkMix
        let per: Int64
        let first: Int64
        var epoch: Int64
        var within: Int64

        init(_ mix: NexmarkMix, _ kind: NexmarkKind, from k: Int64) {
            self.mix = mix
            per = mix.perEpoch(kind)
            first = mix.firstOffset(kind)
            // A kind with no share has no events to walk.
            epoch = per > 0 ? k / per : 0
            within = per > 0 ? k % per : 0
        }

        var offset: Int64 { first + within }
        var eventIndex: Int64 { epoch * mix.epochLength + first + within }

        @inline(__always)
        mutating func advance() {
            within += 1
            if within == per {
                within = 0
                epoch += 1
            }
        }
    }
}
