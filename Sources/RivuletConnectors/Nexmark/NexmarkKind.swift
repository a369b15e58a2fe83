public import RivuletCore

/// The three Nexmark event kinds, with their fields (`NexmarkMix` says how they interleave).
/// `event_type` numbers them as Nexmark does: 0 person, 1 auction, 2 bid.
public enum NexmarkKind: String, Sendable, CaseIterable {
    case person
    case auction
    case bid

    /// The kind's number in Nexmark's `event_type` column.
    var eventType: Int64 {
        switch self {
        case .person: return 0
        case .auction: return 1
        case .bid: return 2
        }
    }

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
}
