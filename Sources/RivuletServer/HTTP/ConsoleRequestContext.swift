import Hummingbird

/// A request's context on the HTTP port: Hummingbird's, plus the user whose name and password
/// the request carried (nil on a server without users, where everyone is admin).
struct ConsoleRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var user: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
