public import RivuletCore
import Synchronization

/// Set once to stop a running statement: its planning, and a SELECT's rows; read by the task
/// that drives it.
public final class CancelFlag: Sendable {
    /// 0: running; 1: cancelled by the client; 2: the session's statement_timeout ran out.
    private let flag = Atomic<UInt8>(0)

    public init() {}

    /// The client cancelled: the result ends where it is.
    public func set() { flag.compareExchange(expected: 0, desired: 1, ordering: .relaxed) }

    /// The statement ran out of time: the result fails with 57014.
    public func timedOut() { flag.compareExchange(expected: 0, desired: 2, ordering: .relaxed) }

    public var isSet: Bool { flag.load(ordering: .relaxed) != 0 }

    /// Whether to stop: false while running, true when cancelled; throws when timed out.
    public func shouldStop() throws(SQLError) -> Bool {
        switch flag.load(ordering: .relaxed) {
        case 0: return false
        case 1: return true
        default: throw SQLError(.queryCanceled, "canceling statement due to statement timeout")
        }
    }
}
