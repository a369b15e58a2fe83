#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

/// Reads CSV or JSON-lines files in large chunks and decodes them straight into columns.
///
/// Bounded by default: after the last file it returns nil. With `source.monitor-interval`
/// it follows the path instead, picking up appended lines and new files, and returns an
/// empty batch when there is nothing new.
public final class FileSourceReader: CheckpointableSource, ProgressReportingSource {
    /// Where the reader is: the file being read and the byte offset / line of the next record.
    public struct Position: Sendable, Hashable {
        public var file: String
        public var offset: Int64
        public var line: Int
    }

    private enum Decoder {
        case csv(CSVDecoder)
        case json(JSONLinesDecoder)
    }

    private let sourceName: String
    private let format: FileFormat
    private let root: String
    private let outputTypes: [SQLType]
    private let decoder: Decoder
    private let badRecords: BadRecordLog
    private var pendingFiles: [String]
    private var seenFiles: Set<String>
    /// The sizes of the files there were to read when the reader was opened, for `inputProgress`.
    private let fileSizes: [String: Int64]
    private let totalBytes: Int64

    private var fd: Int32 = -1
    private var fileName = ""
    private var buffer: [UInt8]
    private var valid = 0
    private var consumed = 0
    /// File offset of `buffer[0]`.
    private var bufferOffset: Int64 = 0
    private var atEOF = false
    private var line = 1
    private var headerPending = false
    private var lastPoll: UInt64 = 0

    static let chunkSize = 4 << 20

    init(relation: Relation, columns: [Int], format: FileFormat, context: ConnectorContext) throws {
        sourceName = relation.name
        self.format = format
        root = FileList.resolve(format.path, against: context.workingDirectory)
        outputTypes = columns.map { relation.schema[$0].type }
        badRecords = context.badRecords
        let types = relation.schema.types
        let names = relation.schema.names
        switch format.kind {
        case .csv:
            decoder = .csv(CSVDecoder(types: types, names: names, columns: columns, options: format.csv))
        case .json:
            decoder = .json(JSONLinesDecoder(types: types, names: names, columns: columns, ignoreParseErrors: format.csv.ignoreParseErrors))
        }
        pendingFiles = try FileList.files(at: root)
        seenFiles = Set(pendingFiles)
        var sizes: [String: Int64] = [:]
        for file in pendingFiles {
            var info = stat()
            if stat(file, &info) == 0 { sizes[file] = Int64(info.st_size) }
        }
        fileSizes = sizes
        totalBytes = sizes.values.reduce(0, +)
        buffer = []
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Bytes decoded of the files there were when the reader was opened; nil while following a
    /// path (`source.monitor-interval`), whose input has no end.
    public var inputProgress: InputProgress? {
        guard format.monitorIntervalMillis == nil else { return nil }
        var left = pendingFiles.reduce(Int64(0)) { $0 + (fileSizes[$1] ?? 0) }
        if fd >= 0 { left += max(0, (fileSizes[fileName] ?? 0) - position.offset) }
        return InputProgress(read: max(0, totalBytes - left), total: totalBytes)
    }

    public var position: Position {
        Position(file: fileName, offset: bufferOffset + Int64(consumed), line: line)
    }

    /// The file, byte offset and line of the next record, and whether that file is finished.
    public func savePosition(into writer: inout StateWriter) throws {
        let current = position
        writer.write(current.file)
        writer.write(current.offset)
        writer.write(current.line)
        writer.write(fd < 0)
    }

    /// Skips the files before the saved one and opens that one at the saved offset. Files are
    /// read in name order, so the ones before it are those already read.
    public func restorePosition(from reader: inout StateReader) throws {
        let file = try reader.readString()
        let offset = try reader.readInt64()
        let savedLine = try reader.readInt()
        let finished = try reader.readBool()
        guard !file.isEmpty else { return }
        guard let index = pendingFiles.firstIndex(of: file) else {
            throw SQLError(.ioError, "cannot resume reading '\(sourceName)': the checkpoint's file '\(file)' is gone",
                           hint: "restore the file, or remove the query's folder under <data-dir>/queries to start afresh")
        }
        pendingFiles.removeFirst(index + 1)
        if finished {
            fileName = file
            bufferOffset = offset
            consumed = 0
            valid = 0
            line = savedLine
            return
        }
        try openFile(file, at: offset, line: savedLine)
    }

    public func nextBatch(maxRows: Int) throws -> RowBatch? {
        var batch = RowBatch(types: outputTypes, capacity: min(maxRows, 1 << 16))
        while batch.count < maxRows {
            if fd < 0 {
                if pendingFiles.isEmpty, format.monitorIntervalMillis != nil { discoverFiles() }
                guard !pendingFiles.isEmpty else {
                    if batch.count > 0 || format.monitorIntervalMillis != nil { return batch }
                    return nil
                }
                try openFile(pendingFiles.removeFirst())
            }
            try decodeBuffered(into: &batch, maxRows: maxRows)
            if batch.count >= maxRows { break }
            if atEOF {
                closeFile()
                continue
            }
            if try !readMore(), !atEOF {
                // Following: no new bytes. Finish this file only once a newer one appeared.
                discoverFiles()
                if pendingFiles.isEmpty { return batch }
                atEOF = true
            }
        }
        return batch
    }

    private func decodeBuffered(into batch: inout RowBatch, maxRows: Int) throws {
        let final = atEOF
        try buffer.withUnsafeBufferPointer { all in
            let data = UnsafeBufferPointer(rebasing: all[0..<valid])
            if headerPending, case .csv(let csv) = decoder {
                guard let next = csv.skipRecord(data, from: consumed, final: final, line: &line) else { return }
                consumed = next
                headerPending = false
            }
            let report: (BadRecord) throws -> Void = { [self] record in
                let entry = BadRecordLog.Entry(
                    source: sourceName, position: "\(fileName):\(record.line)", rawText: record.rawText, reason: record.reason)
                if format.onError == .fail {
                    throw SQLError(
                        .invalidTextRepresentation, "bad record in \(entry.position): \(record.reason)",
                        hint: "set 'on-error' = 'skip' to skip and log such records")
                }
                badRecords.record(entry)
            }
            switch decoder {
            case .csv(let csv):
                consumed = try csv.decode(data, from: consumed, final: final, into: &batch, maxRows: maxRows, line: &line, bad: report)
            case .json(let json):
                consumed = try json.decode(data, from: consumed, final: final, into: &batch, maxRows: maxRows, line: &line, bad: report)
            }
        }
    }

    /// Moves unconsumed bytes to the front and reads the next chunk. Returns false when the
    /// file had no more bytes (and sets `atEOF` unless following).
    private func readMore() throws -> Bool {
        if consumed > 0 {
            let remaining = valid - consumed
            if remaining > 0 {
                buffer.withUnsafeMutableBufferPointer { all in
                    _ = memmove(all.baseAddress!, all.baseAddress! + consumed, remaining)
                }
            }
            bufferOffset += Int64(consumed)
            valid = remaining
            consumed = 0
        }
        if buffer.count - valid < Self.chunkSize / 2 {
            // A record longer than the buffer: grow it.
            buffer.append(contentsOf: repeatElement(0, count: max(Self.chunkSize, buffer.count)))
        }
        let count = buffer.withUnsafeMutableBufferPointer { all -> Int in
            var n: Int
            repeat {
                n = read(fd, all.baseAddress! + valid, all.count - valid)
            } while n < 0 && errno == EINTR
            return n
        }
        guard count >= 0 else {
            throw SQLError(.ioError, "cannot read '\(fileName)': \(String(cString: strerror(errno)))")
        }
        if count == 0 {
            if format.monitorIntervalMillis == nil { atEOF = true }
            return false
        }
        valid += count
        return true
    }

    private func openFile(_ path: String, at offset: Int64 = 0, line startLine: Int = 1) throws {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw SQLError(.ioError, "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        if offset > 0, lseek(fd, off_t(offset), SEEK_SET) != off_t(offset) {
            throw SQLError(.ioError, "cannot seek to byte \(offset) of '\(path)': \(String(cString: strerror(errno)))")
        }
        fileName = path
        if buffer.isEmpty { buffer = Array(repeating: 0, count: Self.chunkSize) }
        valid = 0
        consumed = 0
        bufferOffset = offset
        atEOF = false
        line = startLine
        headerPending = format.csv.header && format.kind == .csv && offset == 0
        _ = try readMore()
    }

    private func closeFile() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    private func discoverFiles() {
        guard let interval = format.monitorIntervalMillis else { return }
        let millis = SystemClock.monotonicNanos() / 1_000_000
        guard millis &- lastPoll >= UInt64(interval) || lastPoll == 0 else { return }
        lastPoll = millis
        guard let listed = try? FileList.files(at: root) else { return }
        for file in listed where !seenFiles.contains(file) {
            seenFiles.insert(file)
            pendingFiles.append(file)
        }
    }
}
