#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A moment inside checkpointing at which the process kills itself, for crash tests:
/// `RIVULET_CRASH_AT=<moment>:<checkpoint id>`, with moment `before-checkpoint-write`,
/// `after-checkpoint-write` (the file is durable, the sink has not committed) or
/// `after-sink-commit` (both are done, old checkpoints not yet removed). Unset, it does nothing.
struct CrashPoint {
    enum Moment: String {
        case beforeCheckpointWrite = "before-checkpoint-write"
        case afterCheckpointWrite = "after-checkpoint-write"
        case afterSinkCommit = "after-sink-commit"
    }

    var moment: Moment?
    var checkpoint: Int64 = 0

    static func fromEnvironment() -> CrashPoint {
        guard let raw = getenv("RIVULET_CRASH_AT") else { return CrashPoint() }
        let parts = String(cString: raw).split(separator: ":")
        guard parts.count == 2, let moment = Moment(rawValue: String(parts[0])), let id = Int64(parts[1]) else {
            return CrashPoint()
        }
        return CrashPoint(moment: moment, checkpoint: id)
    }

    func reach(_ moment: Moment, _ checkpoint: Int64) throws {
        guard moment == self.moment, checkpoint == self.checkpoint else { return }
        kill(getpid(), SIGKILL)
    }
}
