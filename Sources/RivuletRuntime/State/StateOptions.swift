import Foundation
public import RivuletCore

/// How operators hold their state: `memoryBudget` keys at most in memory per keyed operator
/// that can spill (group aggregates), the rest in spill files under `spillDirectory`; nil keeps
/// everything in memory.
public struct StateOptions: Sendable {
    public var memoryBudget: Int?
    public var spillDirectory: String

    /// The SET key of the budget, in keys.
    public static let memoryBudgetSetting = "state.memory-budget"

    /// Without `spillDirectory`, spill files go to the system's temporary folder.
    public init(memoryBudget: Int? = nil, spillDirectory: String? = nil) {
        self.memoryBudget = memoryBudget.map { max(1, $0) }
        self.spillDirectory = spillDirectory ?? NSTemporaryDirectory() + "rivulet-spill"
    }

    /// The options `SET 'state.memory-budget' = '<keys>'` chose, spilling under `spillDirectory`.
    public init(settings: [String: String], spillDirectory: String) throws(SQLError) {
        guard let text = settings[Self.memoryBudgetSetting] else {
            self.init(spillDirectory: spillDirectory)
            return
        }
        guard let keys = Int(text.trimmingCharacters(in: .whitespaces)), keys > 0 else {
            throw SQLError(.invalidParameterValue, "invalid '\(Self.memoryBudgetSetting)' '\(text)'",
                           hint: "give the number of keys a group aggregate may hold in memory, e.g. '100000'")
        }
        self.init(memoryBudget: keys, spillDirectory: spillDirectory)
    }
}
