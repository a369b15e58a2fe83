import NIOCore
import RivuletPGWire
import Testing

/// Feeds encoded client bytes to the decoder in every possible split and checks it yields the
/// same messages, consuming exactly the frames.
struct FrontendMessageDecoderTests {
    typealias B = FrontendBytes

    static let session: [UInt8] =
        B.sslRequest
        + B.startup(["user": "alice", "database": "rivulet", "application_name": "psql"])
        + B.query("SELECT 1; SELECT 2")
        + B.typed("P", B.cString("s1") + B.cString("SELECT $1, $2") + B.int16(2) + B.int32(23) + B.int32(0))
        + B.typed(
            "B",
            B.cString("p1") + B.cString("s1") + B.int16(1) + B.int16(0) + B.int16(2) + B.int32(2) + Array("42".utf8)
                + B.int32(-1) + B.int16(0))
        + B.typed("D", [UInt8(ascii: "P")] + B.cString("p1"))
        + B.typed("E", B.cString("p1") + B.int32(10))
        + B.typed("H", [])
        + B.typed("C", [UInt8(ascii: "S")] + B.cString("s1"))
        + B.typed("S", [])
        + B.typed("p", B.cString("secret"))
        + B.typed("X", [])

    static let expected: [FrontendMessage] = [
        .sslRequest,
        .startup(.init(parameters: ["user": "alice", "database": "rivulet", "application_name": "psql"])),
        .query("SELECT 1; SELECT 2"),
        .parse(.init(statementName: "s1", query: "SELECT $1, $2", parameterTypes: [.int4, .unspecified])),
        .bind(
            .init(
                portalName: "p1", statementName: "s1", parameterFormats: [.text], parameters: [Array("42".utf8), nil],
                resultFormats: [])),
        .describe(.portal("p1")),
        .execute(.init(portalName: "p1", maxRows: 10)),
        .flush,
        .close(.statement("s1")),
        .sync,
        .password(Array("secret".utf8) + [0]),
        .terminate,
    ]

    /// Decodes `chunks` arriving one after another, as ByteToMessageHandler would.
    static func decode(_ chunks: [ArraySlice<UInt8>]) throws -> (messages: [FrontendMessage], leftover: Int) {
        var decoder = FrontendMessageDecoder()
        var buffer = ByteBuffer()
        var messages: [FrontendMessage] = []
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let message = try decoder.decode(buffer: &buffer) { messages.append(message) }
            buffer.discardReadBytes()
        }
        return (messages, buffer.readableBytes)
    }

    @Test func wholeStreamDecodes() throws {
        let (messages, leftover) = try Self.decode([Self.session[...]])
        #expect(messages == Self.expected)
        #expect(leftover == 0)
    }

    @Test func everyTwoWaySplitDecodesTheSame() throws {
        let bytes = Self.session
        for split in 0...bytes.count {
            let (messages, leftover) = try Self.decode([bytes[..<split], bytes[split...]])
            #expect(messages == Self.expected, "split at \(split)")
            #expect(leftover == 0)
        }
    }

    @Test func byteByByteDecodesTheSame() throws {
        let bytes = Self.session
        let (messages, leftover) = try Self.decode(bytes.indices.map { bytes[$0...$0] })
        #expect(messages == Self.expected)
        #expect(leftover == 0)
    }

    @Test func incompleteFrameWaitsWithoutConsuming() throws {
        let bytes = Self.session
        let (messages, leftover) = try Self.decode([bytes.dropLast()[...]])
        #expect(messages == Array(Self.expected.dropLast()))
        #expect(leftover == 4)
    }

    @Test func cancelRequestCarriesTheKey() throws {
        let (messages, _) = try Self.decode([B.cancel(processID: 7, secret: -3)[...]])
        #expect(messages == [.cancel(BackendKey(processID: 7, secret: -3))])
    }

    static let malformed: [(String, [UInt8])] = {
        let started: [UInt8] = B.startup(["user": "u"])
        let query: [UInt8] = [UInt8(ascii: "Q")]
        var cases: [(String, [UInt8])] = []
        cases.append(("absurd startup length", Array("GET / HTTP/1.1\r\n".utf8)))
        cases.append(("short startup length", B.int32(4) + B.int32(196_608)))
        cases.append(("unknown protocol", B.int32(8) + B.int32(2 << 16)))
        cases.append(("unknown message type", started + B.typed("?", [])))
        cases.append(("length below four", started + query + B.int32(3)))
        cases.append(("absurd message length", started + query + B.int32(.max)))
        cases.append(("unterminated string", started + B.typed("Q", Array("SELECT".utf8))))
        cases.append(("trailing bytes", started + B.typed("S", [1])))
        cases.append(("bad describe target", started + B.typed("D", [UInt8(ascii: "X")] + B.cString(""))))
        return cases
    }()

    @Test(arguments: malformed)
    func malformedInputIsRejected(_ name: String, _ bytes: [UInt8]) {
        #expect(throws: FrontendMessageDecodingError.self, "\(name)") { try Self.decode([bytes[...]]) }
    }
}
