import CLibPQ
import Glibc

/// Ctrl-C for the shell: while a statement runs, SIGINT sends the server a cancel request
/// (libpq's `PQcancel`, which is safe in a signal handler, on a cancel object made before the
/// statement started); at the prompt it only raises a flag the line editor reads to clear
/// the line. The handler touches nothing but these preallocated globals.
enum Interrupts {
    /// The cancel object of the statement being run, or nil at the prompt.
    nonisolated(unsafe) private static var activeCancel: OpaquePointer? = nil
    /// Set by the handler, cleared by `take()`.
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0
    nonisolated(unsafe) private static var errorBuffer: UnsafeMutablePointer<CChar>? = nil
    private static let errorBufferSize: Int32 = 256

    /// Installs the SIGINT handler (no `SA_RESTART`, so a waiting `select` returns at once).
    static func install() {
        // Touch every global before the handler can run, so it never initializes one.
        activeCancel = nil
        flag = 0
        errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(errorBufferSize))
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            Interrupts.flag = 1
            if let cancel = Interrupts.activeCancel, let buffer = Interrupts.errorBuffer {
                _ = PQcancel(cancel, buffer, Interrupts.errorBufferSize)
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent (a test runner, a script) may have blocked SIGINT; the shell needs it.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Runs `body` with Ctrl-C cancelling through `cancel`; returns whether Ctrl-C was pressed.
    static func cancelling<T>(with cancel: CancelHandle?, _ body: () throws -> T) rethrows -> (T, interrupted: Bool) {
        _ = take()
        activeCancel = cancel?.pointer
        defer { activeCancel = nil }
        let result = try withExtendedLifetime(cancel) { try body() }
        return (result, take())
    }

    /// Whether Ctrl-C was pressed since the last call; clears the flag.
    static func take() -> Bool {
        let was = flag != 0
        flag = 0
        return was
    }

    static var pending: Bool { flag != 0 }
}
