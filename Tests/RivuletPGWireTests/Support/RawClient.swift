import NIOCore
import NIOPosix

/// A bare protocol client for what psql cannot do: pipelined extended-protocol messages,
/// CancelRequests with a known key, garbage.
final class RawClient {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var received = ByteBuffer()

    /// A backend message: its type byte and body.
    struct Message: Equatable {
        var type: Character
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    init(port: Int) async throws {
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        inbound = channel.inbound.makeAsyncIterator()
        outbound = channel.outbound
    }

    func send(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// The next typed message, or nil when the server closed the connection.
    func next() async throws -> Message? {
        while true {
            if let type = received.getInteger(at: received.readerIndex, as: UInt8.self),
                let length = received.getInteger(at: received.readerIndex + 1, as: Int32.self),
                received.readableBytes >= 1 + Int(length)
            {
                received.moveReaderIndex(forwardBy: 5)
                let body = received.readBytes(length: Int(length) - 4)!
                return Message(type: Character(UnicodeScalar(type)), body: body)
            }
            guard var chunk = try await inbound.next() else { return nil }
            received.writeBuffer(&chunk)
        }
    }

    /// Messages up to and including the next ReadyForQuery.
    func untilReady() async throws -> [Message] {
        var messages: [Message] = []
        while let message = try await next() {
            messages.append(message)
            if message.type == "Z" { break }
        }
        return messages
    }

    /// Connects and completes a trust startup; returns the backend key bytes (process id, secret).
    static func started(port: Int) async throws -> (RawClient, key: [UInt8]) {
        let client = try await RawClient(port: port)
        try await client.send(FrontendBytes.startup(["user": "u", "database": "rivulet"]))
        let messages = try await client.untilReady()
        let key = messages.first { $0.type == "K" }?.body ?? []
        return (client, key)
    }

    func close() async {
        try? await channel.channel.close()
    }
}
