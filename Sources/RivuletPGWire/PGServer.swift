public import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A Postgres wire-protocol server: accepts connections, creates an `SQLSession` for each
/// through the provider, and serves it until the client leaves.
///
/// Each connection runs in its own task; a connection that breaks the protocol or fails is
/// closed alone, and the server stays up. A CancelRequest on a new connection cancels the
/// query of the connection whose backend key it presents.
public final class PGServer: Sendable {
    public let configuration: PGServerConfiguration
    private let sessionProvider: any SQLSessionProvider
    private let eventLoopGroup: any EventLoopGroup
    private let tls: TLSCertificateFiles.Setup?
    private let connections = ConnectionRegistry()
    private let serverChannel = Mutex<ServerState>(.idle)

    private enum ServerState {
        case idle
        case listening(any Channel)
        case shutDown
    }

    /// Throws `TLSSetupError` when the configured certificate or key cannot be loaded.
    public init(
        configuration: PGServerConfiguration, sessionProvider: any SQLSessionProvider,
        eventLoopGroup: (any EventLoopGroup)? = nil
    ) throws(TLSSetupError) {
        self.configuration = configuration
        self.tls = try configuration.tls?.makeSetup()
        self.sessionProvider = sessionProvider
        self.eventLoopGroup = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
    }

    /// Binds, reports the bound port through `onListening`, then serves until `shutdown()` is
    /// called or the calling task is cancelled. Throws when the address cannot be bound.
    public func run(onListening: @Sendable (Int) -> Void = { _ in }) async throws {
        let maximumMessageLength = configuration.maximumMessageLength
        let tlsContext = tls?.context
        let listener = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(TLSNegotiationHandler(context: tlsContext))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrontendMessageDecoder(maximumMessageLength: maximumMessageLength)))
                    return try NIOAsyncChannel<FrontendMessage, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let accepted = serverChannel.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .listening(listener.channel)
            return true
        }
        guard accepted else {
            try? await listener.channel.close()
            return
        }
        onListening(listener.channel.localAddress?.port ?? configuration.port)

        let machineConfiguration = ConnectionStateMachine.Configuration(
            authentication: configuration.authentication, serverVersion: configuration.serverVersion)
        try await withTaskCancellationHandler {
            try await listener.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask {
                            await ConnectionHandler.serve(
                                connection, configuration: machineConfiguration, provider: self.sessionProvider,
                                registry: self.connections, channelBinding: self.tls?.channelBinding,
                                writeTimeout: self.configuration.clientWriteTimeout)
                        }
                    }
                }
            }
        } onCancel: {
            self.shutdown()
        }
    }

    /// Stops accepting connections and closes the open ones; `run` then returns.
    public func shutdown() {
        let channel = serverChannel.withLock { state -> (any Channel)? in
            defer { state = .shutDown }
            if case .listening(let channel) = state { return channel }
            return nil
        }
        channel?.close(promise: nil)
        connections.shutDown()
    }
}
