import Foundation

/// How operators hold their state: `memoryBudget` keys at most in memory per keyed operator
/// that can spill (group aggregates), the rest in spill files under `spillDirectory`; nil keeps
/// everything in memory.
public struct StateOptions: Sendable {
    public var memoryBudget: Int?
    public var spillDirectory: String

    /// Without `spillDirectory`, spill files go to the system's temporary folder.
    public init(memoryBudget: Int? = nil, spillDirectory: String? = nil) {
        self.memoryBudget = memoryBudget.map { max(1, $0) }
        self.spillDirectory = spillDirectory ?? NSTemporaryDirectory() + "rivulet-spill"
    }
}
