import RivuletPGWire

/// A `PGServer` on 127.0.0.1 with a free port, serving `CannedSession`s, for the length of `body`.
func withTestServer<T>(
    authentication: Authentication = .trust,
    _ body: (_ port: Int, _ provider: CannedSessionProvider) async throws -> T
) async throws -> T {
    let provider = CannedSessionProvider()
    let server = try PGServer(
        configuration: PGServerConfiguration(host: "127.0.0.1", port: 0, authentication: authentication),
        sessionProvider: provider)
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let running = Task {
        try await server.run(onListening: { port in
            portSink.yield(port)
            portSink.finish()
        })
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        _ = try await running.value
        throw CancellationError()
    }
    do {
        let result = try await body(port, provider)
        server.shutdown()
        try await running.value
        return result
    } catch {
        server.shutdown()
        _ = try? await running.value
        throw error
    }
}
