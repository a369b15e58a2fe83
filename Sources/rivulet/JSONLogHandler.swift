import Foundation
import Logging
import Synchronization

/// `--log-format json`: each record one JSON object on a line of standard error, for log
/// shippers: `{"time":"2026-01-02T10:00:00.000Z","level":"info","logger":"rivulet.queries",
/// "message":"query started","query":"q1",...}` (metadata keys sit beside the fixed ones).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    /// Lines from concurrent tasks are written whole, one at a time.
    private static let output = Mutex(())

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: String] = [:]
        let merged = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged { fields[key] = "\(value)" }
        let time = ISO8601DateFormatter()
        time.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        fields["time"] = time.string(from: Date())
        fields["level"] = event.level.rawValue
        fields["logger"] = label
        fields["message"] = event.message.description
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let json = try? encoder.encode(fields) else { return }
        Self.output.withLock { _ in FileHandle.standardError.write(json + Data("\n".utf8)) }
    }
}
