import Foundation
import RivuletCore
import RivuletRuntime

/// The rows inserted into one embedded stream, kept in a file of its own so that they survive a
/// restart: `<directory>/<name>.rows`, one record per `INSERT ... VALUES` batch, each a 4-byte
/// little-endian length and the batch's columns, synced before the INSERT returns.
///
/// A crash in the middle of an append leaves a partial last record; reading stops before it and
/// the file is cut back to its last whole record, so that INSERT never happened.
struct EmbeddedStreamFile {
    let url: URL

    init(directory: URL, stream: String) {
        url = directory.appendingPathComponent(Self.fileName(of: stream))
    }

    static let fileExtension = "rows"

    /// Lower-cased, with anything but letters, digits and `_` percent-encoded.
    static func fileName(of stream: String) -> String {
        var name = ""
        for byte in stream.lowercased().utf8 {
            let character = Character(UnicodeScalar(byte))
            if character.isASCII, character.isLetter || character.isNumber || character == "_" {
                name.append(character)
            } else {
                name += String(format: "%%%02X", byte)
            }
        }
        return "\(name).\(fileExtension)"
    }

    /// The stream a file name belongs to; nil for other files.
    static func stream(ofFileName fileName: String) -> String? {
        guard fileName.hasSuffix(".\(fileExtension)") else { return nil }
        return String(fileName.dropLast(fileExtension.count + 1)).removingPercentEncoding
    }

    func append(_ batch: RowBatch) throws {
        var writer = StateWriter()
        writer.write(batch.count)
        writer.write(batch.columns.count)
        for column in batch.columns { writer.write(column) }
        var record = Data()
        withUnsafeBytes(of: UInt32(writer.bytes.count).littleEndian) { record.append(contentsOf: $0) }
        record.append(contentsOf: writer.bytes)
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw SQLError(.ioError, "cannot create \(url.path)")
            }
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: record)
        try handle.synchronize()
    }

    /// Every whole record, in order (none when there is no file).
    func read() throws -> [RowBatch] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        let bytes = [UInt8](data)
        var batches: [RowBatch] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
            guard offset + 4 + length <= bytes.count else { break }
            var reader = StateReader(Array(bytes[(offset + 4)..<(offset + 4 + length)]))
            do {
                let count = try reader.readInt()
                let columnCount = try reader.readCount()
                var columns: [Column] = []
                for _ in 0..<columnCount { columns.append(try reader.readColumn()) }
                batches.append(RowBatch(columns: columns, count: count))
            } catch {
                break
            }
            offset += 4 + length
        }
        if offset < bytes.count {
            // The tail of an append that did not finish.
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.truncate(atOffset: UInt64(offset))
            try handle.synchronize()
        }
        return batches
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
