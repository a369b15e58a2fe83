#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOSSL
import RivuletCore

/// Serves one connection: feeds each client message to the `ConnectionStateMachine` and
/// performs the actions it returns, calling the `SQLSession` and writing results.
///
/// Owned by the connection's task and never shared. Output is buffered and written at the
/// points a client waits for it (ReadyForQuery, Flush, every batch of a result, errors), so
/// pipelined extended-protocol messages are answered in one write; each write waits while the
/// socket is full, which is the backpressure a streaming result needs: no more rows are taken
/// from a result while its client does not read. A client whose socket stays full longer than
/// the write timeout is disconnected (and its query stopped), with a line on standard error.
final class ConnectionHandler {
    private var machine: ConnectionStateMachine
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let provider: any SQLSessionProvider
    private let registry: ConnectionRegistry
    private let canceller: QueryCanceller
    private let processID: Int32
    private let channel: any Channel
    /// The server certificate's `tls-server-end-point` data, offered to SCRAM when the client
    /// connected over TLS.
    private let channelBinding: [UInt8]?
    private let writeTimeout: Duration
    private(set) var session: (any SQLSession)?
    private var encoder = BackendMessageEncoder()
    /// Results of portals that stopped at an Execute row limit.
    private var cursors: [String: RowCursor] = [:]
    private var isClosed = false

    /// Output above this size is written without waiting for a sync point.
    private static let flushThreshold = 32 * 1024

    private struct ConnectionClosed: Error {}

    private init(
        configuration: ConnectionStateMachine.Configuration, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        provider: any SQLSessionProvider, registry: ConnectionRegistry, canceller: QueryCanceller, processID: Int32,
        channel: any Channel, channelBinding: [UInt8]?, writeTimeout: Duration
    ) {
        self.channel = channel
        self.writeTimeout = writeTimeout
        self.channelBinding = channelBinding
        self.machine = ConnectionStateMachine(configuration: configuration)
        self.outbound = outbound
        self.provider = provider
        self.registry = registry
        self.canceller = canceller
        self.processID = processID
    }

    /// Serves `channel` until the client leaves or breaks the protocol, then closes it.
    static func serve(
        _ channel: NIOAsyncChannel<FrontendMessage, ByteBuffer>, configuration: ConnectionStateMachine.Configuration,
        provider: any SQLSessionProvider, registry: ConnectionRegistry, channelBinding: [UInt8]? = nil,
        writeTimeout: Duration = .seconds(60)
    ) async {
        let canceller = QueryCanceller()
        guard let processID = registry.register(channel: channel.channel, canceller: canceller) else {
            try? await channel.channel.close()
            return
        }
        // A client that goes away mid-query stops the query.
        channel.channel.closeFuture.whenComplete { _ in canceller.cancel() }
        let session = try? await channel.executeThenClose { inbound, outbound in
            let handler = ConnectionHandler(
                configuration: configuration, outbound: outbound, provider: provider, registry: registry,
                canceller: canceller, processID: processID, channel: channel.channel, channelBinding: channelBinding,
                writeTimeout: writeTimeout)
            await handler.run(inbound)
            return handler.session
        }
        registry.remove(processID: processID)
        await session?.close()
    }

    private func run(_ inbound: NIOAsyncChannelInboundStream<FrontendMessage>) async {
        do {
            for try await message in inbound {
                if case .startup = message, let channelBinding, await isEncrypted() {
                    machine.tlsEstablished(channelBinding: channelBinding)
                }
                await perform(machine.received(message))
                if isClosed { return }
                switch message {
                case .parse, .bind, .describe, .execute, .close:
                    // More messages follow before the client waits (Sync or Flush).
                    if encoder.buffer.readableBytes >= Self.flushThreshold { try await flush() }
                default:
                    try await flush()
                }
            }
        } catch let error as FrontendMessageDecodingError {
            await perform(machine.decodingFailed(error))
        } catch {
            // The client went away or the socket failed: nothing left to tell anyone.
        }
    }

    private func perform(_ actions: [ConnectionStateMachine.Action]) async {
        var pending = actions
        var index = 0
        while index < pending.count {
            let action = pending[index]
            index += 1
            // A report's actions come before the rest of the current batch.
            let reported = await perform(action)
            pending.insert(contentsOf: reported, at: index)
        }
    }

    private func perform(_ action: ConnectionStateMachine.Action) async -> [ConnectionStateMachine.Action] {
        switch action {
        case .send(let message):
            encoder.encode(message)
            return []
        case .startSession(var startup):
            do {
                startup.processID = processID
                let session = try await provider.makeSession(for: startup)
                self.session = session
                canceller.attach(session)
                let key = BackendKey(processID: processID, secret: Int32.random(in: .min ... .max))
                registry.activate(key)
                return machine.sessionStarted(key: key)
            } catch {
                return machine.sessionFailed(sqlError(from: error))
            }
        case .executeQuery(let sql):
            return await runQuery(sql)
        case .describe(let sql, let parameterTypes):
            do {
                let description = try await requireSession().describe(sql, parameterTypes: parameterTypes)
                return machine.describeCompleted(description)
            } catch {
                return machine.executionFailed(sqlError(from: error))
            }
        case .describeCursor(let name):
            do {
                return machine.describeCompleted(try await requireSession().describeCursor(name))
            } catch {
                return machine.executionFailed(sqlError(from: error))
            }
        case .inferParameterTypes(let sql, let declared):
            let description = try? await requireSession().describe(sql, parameterTypes: declared)
            return machine.parameterTypesInferred(description?.parameterTypes)
        case .executePortal(let execution):
            return await runPortal(execution)
        case .discardPortals(let names):
            for name in names { cursors[name] = nil }
            return []
        case .cancelQuery(let key):
            registry.cancel(key)
            return []
        case .closeConnection:
            try? await flush()
            isClosed = true
            return []
        }
    }

    // MARK: - Running statements

    private func runQuery(_ sql: String) async -> [ConnectionStateMachine.Action] {
        canceller.reset()
        do {
            let outcomes = try await requireSession().execute(sql)
            var pending: [ConnectionStateMachine.Action] = []
            if outcomes.isEmpty { encoder.encode(.emptyQueryResponse) }
            for outcome in outcomes {
                switch outcome {
                case .command(let tag):
                    encoder.encode(.commandComplete(tag))
                    pending += machine.commandCompleted(tag: tag)
                case .rows(let source):
                    encoder.encode(.rowDescription(ColumnDescription.describing(source.schema)))
                    var cursor = RowCursor(source)
                    let sent = try await stream(&cursor, limit: 0)
                    encoder.encode(.commandComplete(cursor.tag(rows: sent.rows)))
                case .failed(let error):
                    throw error
                }
            }
            return pending + machine.executionCompleted()
        } catch {
            return isClosed ? [] : machine.executionFailed(sqlError(from: error))
        }
    }

    private func runPortal(_ execution: ConnectionStateMachine.PortalExecution) async -> [ConnectionStateMachine.Action] {
        canceller.reset()
        let name = execution.portalName
        do {
            if !execution.resumes || cursors[name] == nil {
                cursors[name] = nil
                let outcomes = try await requireSession().execute(execution.sql)
                guard outcomes.count <= 1 else {
                    throw SQLError(.syntaxError, "cannot insert multiple commands into a prepared statement")
                }
                switch outcomes.first {
                case nil:
                    encoder.encode(.emptyQueryResponse)
                    return machine.executionCompleted()
                case .command(let tag):
                    encoder.encode(.commandComplete(tag))
                    return machine.commandCompleted(tag: tag) + machine.executionCompleted()
                case .failed(let error):
                    throw error
                case .rows(let source):
                    cursors[name] = RowCursor(source, formats: execution.resultFormats)
                }
            }
            guard var cursor = cursors.removeValue(forKey: name) else {
                throw SQLError.internal("portal \"\(name)\" lost its result")
            }
            let sent = try await stream(&cursor, limit: execution.maxRows)
            if sent.finished {
                encoder.encode(.commandComplete(cursor.tag(rows: sent.rows)))
                return machine.executionCompleted()
            }
            cursors[name] = cursor
            return machine.portalSuspended()
        } catch {
            return isClosed ? [] : machine.executionFailed(sqlError(from: error))
        }
    }

    /// Writes rows until the result ends or `limit` rows (0: no limit) are written, flushing
    /// after every batch so that a push query's rows reach the client as they arrive.
    private func stream(_ cursor: inout RowCursor, limit: Int) async throws -> (rows: Int, finished: Bool) {
        var sent = 0
        while true {
            if canceller.isCancelled { throw Self.canceled }
            if cursor.pending.isEmpty {
                guard let batch = try await cursor.iterator.next() else {
                    if canceller.isCancelled { throw Self.canceled }
                    return (sent, true)
                }
                cursor.pending = batch[...]
                continue
            }
            while let row = cursor.pending.first, limit == 0 || sent < limit {
                if cursor.formats.isEmpty {
                    encoder.encodeDataRow(row, types: cursor.types)
                } else {
                    try encoder.encodeDataRow(row, types: cursor.types, formats: cursor.formats)
                }
                cursor.pending.removeFirst()
                sent += 1
            }
            try await flush()
            if limit > 0, sent >= limit { return (sent, false) }
        }
    }

    /// Whether the client asked for TLS, which put a TLS handler in front of the pipeline.
    private func isEncrypted() async -> Bool {
        (try? await channel.pipeline.handler(type: NIOSSLServerHandler.self).get()) != nil
    }

    private func requireSession() throws -> any SQLSession {
        guard let session else { throw SQLError.internal("no session for this connection") }
        return session
    }

    private func flush() async throws {
        guard encoder.buffer.readableBytes > 0, !isClosed else { return }
        // The write waits while the socket is full; a client that reads nothing for too long
        // is closed, which ends the wait.
        let (channel, processID, timeout) = (channel, processID, writeTimeout)
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            let peer = channel.remoteAddress.map { " (\($0))" } ?? ""
            logLine("rivulet: closing connection \(processID)\(peer): the client read nothing for \(timeout)")
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            try await outbound.write(encoder.take())
        } catch {
            isClosed = true
            throw ConnectionClosed()
        }
    }

    private static let canceled = SQLError(.queryCanceled, "canceling statement due to user request")

    private func sqlError(from error: any Error) -> SQLError {
        if canceller.isCancelled || error is CancellationError { return Self.canceled }
        if let error = error as? SQLError { return error }
        return SQLError.internal("\(error)")
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// One line on standard error, in one write.
private func logLine(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// A result being written: the rest of the current batch and the stream of later ones.
struct RowCursor {
    var iterator: AsyncThrowingStream<[[Value]], any Error>.AsyncIterator
    var pending: ArraySlice<[Value]> = []
    let verb: String
    let types: [SQLType]
    /// Bind's result format codes (empty: all text).
    let formats: [FormatCode]

    init(_ source: RowSource, formats: [FormatCode] = []) {
        self.iterator = source.batches.makeAsyncIterator()
        self.verb = source.verb
        self.types = source.schema.types
        self.formats = formats
    }

    func tag(rows: Int) -> String { "\(verb) \(rows)" }
}
