public import RivuletCore

/// The three Nexmark event kinds and how they interleave: of every 50 events, 1 is a person,
/// 3 are auctions and 46 are bids (Nexmark's default 1:3:46 proportion). Event `i` of the
/// global sequence is a person when `i % 50 == 0`, an auction when `i % 50` is 1...3.
public enum NexmarkKind: String, Sendable, CaseIterable {
    case person
    case auction
    case bid

    static let epochLength: Int64 = 50
    static let personsPerEpoch: Int64 = 1
    static let auctionsPerEpoch: Int64 = 3
    static var bidsPerEpoch: Int64 { epochLength - personsPerEpoch - auctionsPerEpoch }

    /// The columns a relation of this kind may declare, with their types.
    public var fields: [Field] {
        switch self {
        case .person:
            return [
                Field("id", .bigint), Field("name", .varchar), Field("emailAddress", .varchar),
                Field("creditCard", .varchar), Field("city", .varchar), Field("state", .varchar),
                Field("dateTime", .timestamp3), Field("extra", .varchar),
            ]
        case .auction:
            return [
                Field("id", .bigint), Field("itemName", .varchar), Field("description", .varchar),
                Field("initialBid", .bigint), Field("reserve", .bigint), Field("dateTime", .timestamp3),
                Field("expires", .timestamp3), Field("seller", .bigint), Field("category", .bigint),
                Field("extra", .varchar),
            ]
        case .bid:
            return [
                Field("auction", .bigint), Field("bidder", .bigint), Field("price", .bigint),
                Field("channel", .varchar), Field("url", .varchar), Field("dateTime", .timestamp3),
                Field("extra", .varchar),
            ]
        }
    }

    private var perEpoch: Int64 {
        switch self {
        case .person: return Self.personsPerEpoch
        case .auction: return Self.auctionsPerEpoch
        case .bid: return Self.bidsPerEpoch
        }
    }

    /// Offset within an epoch of this kind's first event.
    private var firstOffset: Int64 {
        switch self {
        case .person: return 0
        case .auction: return Self.personsPerEpoch
        case .bid: return Self.personsPerEpoch + Self.auctionsPerEpoch
        }
    }

    /// How many of the first `events` events are of this kind.
    public func count(amongFirst events: Int64) -> Int64 {
        let epochs = events / Self.epochLength
        let rest = events % Self.epochLength
        return epochs * perEpoch + min(max(rest - firstOffset, 0), perEpoch)
    }

    /// The global event index of this kind's `k`-th event.
    @inline(__always)
    public func eventIndex(_ k: Int64) -> Int64 {
        (k / perEpoch) * Self.epochLength + firstOffset + k % perEpoch
    }
}
