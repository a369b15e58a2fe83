import NIOCore
import RivuletPGWire
import Testing

/// The server driven by hand-written protocol bytes: what psql does not exercise.
@Suite(.timeLimit(.minutes(1)))
struct RawProtocolEndToEndTests {
    typealias B = FrontendBytes

    @Test func pipelinedExtendedQueryWithRowLimit() async throws {
        try await withTestServer { port, _ in
            let (client, _) = try await RawClient.started(port: port)
            try await client.send(
                B.typed("P", B.cString("") + B.cString("ROWS $1") + B.int16(1) + B.int32(23))
                    + B.typed("B", B.cString("") + B.cString("") + B.int16(0) + B.int16(1) + B.int32(1) + Array("5".utf8) + B.int16(0))
                    + B.typed("D", [UInt8(ascii: "P")] + B.cString(""))
                    + B.typed("E", B.cString("") + B.int32(3))
                    + B.typed("E", B.cString("") + B.int32(3))
                    + B.typed("S", []))
            let messages = try await client.untilReady()
            #expect(messages.map(\.type) == ["1", "2", "T", "D", "D", "D", "s", "D", "D", "C", "Z"])
            #expect(messages[9].text == "SELECT 2\0")
            await client.close()
        }
    }

    @Test func extendedErrorSkipsToSyncThenRecovers() async throws {
        try await withTestServer { port, _ in
            let (client, _) = try await RawClient.started(port: port)
            try await client.send(
                B.typed("P", B.cString("") + B.cString("SELECT $1 FORM t") + B.int16(0))
                    + B.typed("B", B.cString("") + B.cString("") + B.int16(0) + B.int16(1) + B.int32(10) + Array("long value".utf8) + B.int16(0))
                    + B.typed("E", B.cString("") + B.int32(0))
                    + B.typed("E", B.cString("") + B.int32(0))
                    + B.typed("S", []))
            let messages = try await client.untilReady()
            #expect(messages.map(\.type) == ["1", "2", "E", "Z"])
            // Position 11 is FORM in the text the client sent, not in the spliced one.
            #expect(messages[2].text.contains("P11\0"))
            try await client.send(B.query("SELECT 1"))
            #expect(try await client.untilReady().map(\.type) == ["T", "D", "C", "Z"])
            await client.close()
        }
    }

    @Test func cancelRequestStopsAPushQueryOnAnotherConnection() async throws {
        try await withTestServer { port, _ in
            let (client, key) = try await RawClient.started(port: port)
            try await client.send(B.query("PUSH"))
            #expect(try await client.next()?.type == "T")
            for _ in 0..<3 { #expect(try await client.next()?.type == "D") }

            let wrong = try await RawClient(port: port)
            try await wrong.send(B.int32(16) + B.int32(80_877_102) + Array(key.prefix(4)) + B.int32(12345))
            #expect(try await wrong.next() == nil)

            let canceller = try await RawClient(port: port)
            try await canceller.send(B.int32(16) + B.int32(80_877_102) + key)
            #expect(try await canceller.next() == nil)

            var rest = try await client.untilReady()
            rest.removeAll { $0.type == "D" }
            #expect(rest.map(\.type) == ["E", "Z"])
            #expect(rest.first?.text.contains("C57014\0") == true)
            try await client.send(B.query("SELECT 1"))
            #expect(try await client.untilReady().map(\.type) == ["T", "D", "C", "Z"])
            await client.close()
        }
    }

    @Test func emptyQueryGetsEmptyQueryResponse() async throws {
        try await withTestServer { port, _ in
            let (client, _) = try await RawClient.started(port: port)
            try await client.send(B.query("  ;  "))
            #expect(try await client.untilReady().map(\.type) == ["I", "Z"])
            await client.close()
        }
    }

    @Test func binaryResultsOverTheWire() async throws {
        try await withTestServer { port, _ in
            let (client, _) = try await RawClient.started(port: port)
            try await client.send(
                B.typed("P", B.cString("") + B.cString("ROWS 1") + B.int16(0))
                    + B.typed("B", B.cString("") + B.cString("") + B.int16(0) + B.int16(0) + B.int16(1) + B.int16(1))
                    + B.typed("D", [UInt8(ascii: "P")] + B.cString(""))
                    + B.typed("E", B.cString("") + B.int32(0))
                    + B.typed("S", []))
            let messages = try await client.untilReady()
            #expect(messages.map(\.type) == ["1", "2", "T", "D", "C", "Z"])
            // id INT 1 is the first field: length 4, then 00 00 00 01.
            #expect(Array(messages[3].body.prefix(10)) == B.int16(8) + B.int32(4) + B.int32(1))
            await client.close()
        }
    }
}
