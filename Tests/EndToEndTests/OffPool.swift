import Dispatch

/// Runs blocking work (reading a child's pipe, waiting for it to exit) on a Dispatch thread,
/// so it does not hold one of the few threads that run every test's async code.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
