extension FrontendMessage {
    /// StartupMessage: the protocol version and the session's parameters.
    public struct Startup: Hashable, Sendable {
        /// `3 << 16 | minor`.
        public var protocolVersion: UInt32
        /// Parameters in the order the client sent them.
        public var parameters: [String: String]

        public init(protocolVersion: UInt32 = 196_608, parameters: [String: String]) {
            self.protocolVersion = protocolVersion
            self.parameters = parameters
        }

        public var user: String? { parameters["user"] }
        /// The database, defaulting to the user name as Postgres does.
        public var database: String? { parameters["database"] ?? parameters["user"] }
    }
}
