import Foundation
import RivuletCore
import RivuletRuntime
import Testing

/// A checkpoint written through an output (its file) hands its bytes on in chunks: a section
/// larger than a chunk is never held whole by the writer, and reads back as the same values as
/// one written in memory.
@Suite struct StreamedCheckpointTests {
    /// Collects what a writer hands on, and the most it ever held at once.
    final class Collected: StateOutput {
        var bytes: [UInt8] = []
        var chunks = 0

        func write(_ chunk: [UInt8]) {
            bytes += chunk
            chunks += 1
        }
    }

    /// 300,000 rows in one section (about 3 MB), a small one, and a number after them.
    static func write(into writer: inout StateWriter) {
        writer.write(Int64(7))
        writer.writeSection { section in
            for i in 0..<300_000 { section.write(row: [.int(Int64(i)), .string("row-\(i)")]) }
        }
        writer.writeSection { $0.write(Int64(42)) }
        writer.writeSection { _ in }
        writer.write(Int64(-1))
    }

    static func read(_ bytes: [UInt8]) throws -> (rows: Int, last: [Value], small: Int64, after: Int64) {
        var reader = StateReader(bytes)
        return try read(&reader)
    }

    /// Reads what `write` wrote; `firstRow` runs once the section's first row is read.
    static func read(_ reader: inout StateReader, firstRow: () -> Void = {}) throws -> (rows: Int, last: [Value], small: Int64, after: Int64) {
        #expect(try reader.readInt64() == 7)
        var last: [Value] = []
        var rows = 0
        try reader.readSection { section in
            while try !section.isAtEnd() {
                last = try section.readRow()
                rows += 1
                if rows == 1 { firstRow() }
            }
        }
        let small = try reader.readSection { try $0.readInt64() }
        try reader.readSection { _ in }
        let after = try reader.readInt64()
        #expect(try reader.isAtEnd())
        return (rows, last, small, after)
    }

    @Test func aSectionLargerThanAChunkStreamsAndReadsBackWhole() throws {
        let output = Collected()
        var streamed = StateWriter(output: output)
        Self.write(into: &streamed)
        streamed.handOn()
        #expect(output.chunks > 2, "a 3 MB section goes out in chunks")
        #expect(streamed.bytes.isEmpty)
        #expect(streamed.count == output.bytes.count)

        var inMemory = StateWriter()
        Self.write(into: &inMemory)
        let fromStream = try Self.read(output.bytes)
        let fromMemory = try Self.read(inMemory.bytes)
        #expect(fromStream.rows == 300_000 && fromMemory.rows == 300_000)
        #expect(fromStream.last == [.int(299_999), .string("row-299999")] && fromMemory.last == fromStream.last)
        #expect(fromStream.small == 42 && fromMemory.small == 42)
        #expect(fromStream.after == -1 && fromMemory.after == -1)
    }

    static let magic: [UInt8] = Array("TEST".utf8)

    /// Runs `body` with the path of a checkpoint file in a fresh folder, removed afterwards.
    static func inFreshFolder(_ body: (_ folder: String, _ path: String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-streamed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder, folder + "/checkpoint-1")
    }

    @Test func aCheckpointFileIsInPlaceOnlyOnceCommitted() throws {
        try Self.inFreshFolder { folder, path in
            let magic = Self.magic
            do {
                let abandoned = try DurableFile.Writer(path: path, magic: magic)
                var writer = StateWriter(output: abandoned)
                Self.write(into: &writer)
                writer.handOn()
        }
        #expect(try DurableFile.read(path, magic: magic) == nil, "a checkpoint not committed is not there")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "nor its temporary file")

        let file = try DurableFile.Writer(path: path, magic: magic)
        var writer = StateWriter(output: file)
        Self.write(into: &writer)
        writer.handOn()
        try file.commit()
        let payload = try #require(try DurableFile.read(path, magic: magic))
        #expect(try Self.read(payload).rows == 300_000)
        }
    }

    /// Hands out bytes 64 KB at a time, counting what it handed out.
    final class Trickle: StateInputStream {
        let bytes: [UInt8]
        var handedOut = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func next() throws(SQLError) -> [UInt8]? {
            guard handedOut < bytes.count else { return nil }
            let end = min(bytes.count, handedOut + 65_536)
            defer { handedOut = end }
            return Array(bytes[handedOut..<end])
        }

        var pendingBytes: Int { bytes.count - handedOut }
    }

    @Test func aReaderOverAStreamTakesOnlyWhatItReads() throws {
        // As a checkpoint file holds it: the 3 MB section in chunks of the writer's size.
        let output = Collected()
        var writer = StateWriter(output: output)
        Self.write(into: &writer)
        writer.handOn()
        let stream = Trickle(output.bytes)
        var reader = StateReader(stream: stream)
        var atFirstRow = 0
        let read = try Self.read(&reader) { atFirstRow = stream.handedOut }
        // The section's first chunk, and no more than one 64 KB read beyond it.
        #expect(atFirstRow > 0 && atFirstRow <= (1 << 20) + 2 * 65_536, "the first row of a 3 MB section is read with \(atFirstRow) bytes taken")
        #expect(read.rows == 300_000 && read.last == [.int(299_999), .string("row-299999")] && read.small == 42 && read.after == -1)
        #expect(stream.handedOut == output.bytes.count)
    }

    @Test func aCheckpointFileIsReadAChunkAtATimeAndItsDamageFound() throws {
        try Self.inFreshFolder { _, path in
            let magic = Self.magic
            #expect(try DurableFile.reader(path, magic: magic) == nil)
            let file = try DurableFile.Writer(path: path, magic: magic)
            var writer = StateWriter(output: file)
            Self.write(into: &writer)
            writer.handOn()
            try file.commit()
            var reader = try #require(try DurableFile.reader(path, magic: magic))
            let read = try Self.read(&reader)
            #expect(read.rows == 300_000 && read.last == [.int(299_999), .string("row-299999")] && read.after == -1)

            var damaged = try #require(FileManager.default.contents(atPath: path))
            damaged[damaged.count / 2] ^= 0x01
            try damaged.write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: SQLError.self) { try DurableFile.reader(path, magic: magic) }
            #expect(error?.message.contains("checksum mismatch") == true)
        }
    }
}
