import Foundation

/// Starts a process that prints where it listens on its first line and then serves (`rivulet
/// dev kafka`, `rivulet dev schema-registry`); returns it with that line, trimmed. Its errors are
/// discarded; the caller stops it.
public func startPrintingAddress(_ executable: URL, arguments: [String]) throws -> (process: Process, address: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = Data()
    while !line.contains(10) {
        let chunk = pipe.fileHandleForReading.availableData
        guard !chunk.isEmpty else { break }
        line.append(chunk)
    }
    return (process, String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}
