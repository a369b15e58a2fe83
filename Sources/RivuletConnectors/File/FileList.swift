import Foundation
import RivuletCore

/// The files a `path` option names: the file itself, or the visible files of a directory
/// (names not starting with `.` or `_`, as Flink skips in-progress and marker files), in
/// sorted name order, subdirectories included.
enum FileList {
    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("file://") { return String(path.dropFirst("file://".count)) }
        return (directory as NSString).appendingPathComponent(path)
    }

    static func files(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SQLError(.ioError, "file or directory '\(path)' does not exist")
        }
        guard isDirectory.boolValue else { return [path] }
        var found: [String] = []
        try collect(path, into: &found)
        return found.sorted()
    }

    private static func collect(_ directory: String, into found: inout [String]) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw SQLError(.ioError, "cannot list directory '\(directory)': \(error.localizedDescription)")
        }
        for name in names where !name.hasPrefix(".") && !name.hasPrefix("_") {
            let full = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            if isDirectory.boolValue { try collect(full, into: &found) } else { found.append(full) }
        }
    }
}
