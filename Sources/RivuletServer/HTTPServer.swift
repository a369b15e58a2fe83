import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A minimal HTTP/1.1 server for `/metrics` and `/healthz`: reads one request head per
/// connection, answers it through `respond`, and closes. Bodies are not read; a head longer
/// than 16 KiB or one that does not parse gets a 400; a connection without a complete request
/// head within 5 seconds is closed. With a TLS context every connection is TLS.
final class HTTPServer: Sendable {
    struct Response: Sendable {
        var status: Int
        var reason: String
        var contentType: String
        var body: String
        /// More header lines, without line ends.
        var headers: [String] = []
    }

    /// `authorization`: the value of the request's Authorization header, if any.
    typealias Responder = @Sendable (_ method: String, _ path: String, _ authorization: String?) async -> Response

    private let tls: NIOSSLContext?
    private let host: String
    private let port: Int
    private let respond: Responder
    private let listener = Mutex<ListenerState>(.idle)
    /// Connections being served, closed at shutdown.
    private let open = Mutex<[ObjectIdentifier: any Channel]>([:])

    private enum ListenerState {
        case idle
        case listening(any Channel)
        case shutDown
    }

    private static let maximumHeadLength = 16 * 1024
    private static let requestTimeout = TimeAmount.seconds(5)

    init(host: String, port: Int, tls: NIOSSLContext? = nil, respond: @escaping Responder) {
        self.tls = tls
        self.host = host
        self.port = port
        self.respond = respond
    }

    /// Binds, reports the bound port, and serves until `shutdown()`.
    func run(onListening: @Sendable (Int) -> Void) async throws {
        let tls = tls
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let accepted = listener.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .listening(server.channel)
            return true
        }
        guard accepted else {
            try? await server.channel.close()
            return
        }
        onListening(server.channel.localAddress?.port ?? port)
        try await server.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in inbound {
                    group.addTask { await self.serve(connection) }
                }
            }
        }
    }

    func shutdown() {
        let channel = listener.withLock { state -> (any Channel)? in
            defer { state = .shutDown }
            if case .listening(let channel) = state { return channel }
            return nil
        }
        channel?.close(promise: nil)
        for connection in open.withLock({ Array($0.values) }) { connection.close(promise: nil) }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        // A client that sends no complete request in time is dropped, so it cannot hold up shutdown.
        let channel = connection.channel
        let deadline = channel.eventLoop.scheduleTask(in: Self.requestTimeout) { channel.close(promise: nil) }
        let stopping = open.withLock { open -> Bool in
            if case .shutDown = listener.withLock({ $0 }) { return true }
            open[ObjectIdentifier(channel)] = channel
            return false
        }
        defer {
            deadline.cancel()
            _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        if stopping {
            channel.close(promise: nil)
            return
        }
        try? await connection.executeThenClose { inbound, outbound in
            var head: [UInt8] = []
            var response: Response?
            for try await chunk in inbound {
                head += chunk.readableBytesView
                if let end = Self.headEnd(head) {
                    // The request is in: answering may take longer (checking a password does).
                    deadline.cancel()
                    response = await self.answer(Array(head[..<end]))
                    break
                }
                if head.count > Self.maximumHeadLength { break }
            }
            guard !head.isEmpty else { return }
            let reply = response ?? Response(status: 400, reason: "Bad Request", contentType: "text/plain", body: "bad request\n")
            try await outbound.write(ByteBuffer(bytes: Self.encode(reply)))
        }
    }

    private func answer(_ head: [UInt8]) async -> Response {
        let requestLine = String(decoding: head.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            return Response(status: 400, reason: "Bad Request", contentType: "text/plain", body: "bad request\n")
        }
        let path = parts[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        let text = String(decoding: head, as: UTF8.self)
        let authorization = text.split(separator: "\r\n").dropFirst().lazy.compactMap { line -> String? in
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "authorization" else { return nil }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }.first
        return await respond(String(parts[0]), path, authorization)
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private static func encode(_ response: Response) -> [UInt8] {
        let body = Array(response.body.utf8)
        let head = "HTTP/1.1 \(response.status) \(response.reason)\r\n"
            + "Content-Type: \(response.contentType)\r\n"
            + "Content-Length: \(body.count)\r\n"
            + response.headers.map { "\($0)\r\n" }.joined()
            + "Connection: close\r\n\r\n"
        return Array(head.utf8) + body
    }
}
