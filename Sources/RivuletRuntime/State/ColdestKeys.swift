/// Which keys a spill moves to disk: the least recently used, until the budget's share stays
/// in memory.
enum ColdestKeys {
    /// Keys kept in memory after a spill: 90% of the budget, so that a stream of new keys does
    /// not spill after every batch.
    static func kept(under budget: Int) -> Int { budget - budget / 10 }

    /// The least recently used of `keys` (each with its last use), as many as leave the share of
    /// `budget` that stays in memory; none while `keys` are within the budget.
    static func select<Key>(_ keys: [(key: Key, lastUse: Int64)], budget: Int) -> [Key] {
        guard keys.count > budget else { return [] }
        return keys.sorted { $0.lastUse < $1.lastUse }.prefix(keys.count - kept(under: budget)).map(\.key)
    }
}
