/// Payloads of the extended query protocol's messages: Parse, Bind, Describe/Close targets, Execute.
extension FrontendMessage {
    /// A prepared statement or a portal, by name (`""` is the unnamed one).
    public enum Target: Hashable, Sendable {
        case statement(String)
        case portal(String)
    }

    public struct Parse: Hashable, Sendable {
        public var statementName: String
        public var query: String
        /// Declared parameter types; `unspecified` (0) or missing entries are left to the server.
        public var parameterTypes: [PGType]

        public init(statementName: String, query: String, parameterTypes: [PGType] = []) {
            self.statementName = statementName
            self.query = query
            self.parameterTypes = parameterTypes
        }
    }

    public struct Bind: Hashable, Sendable {
        public var portalName: String
        public var statementName: String
        /// Zero entries: all text; one entry: applies to all; else one per parameter.
        public var parameterFormats: [FormatCode]
        /// Parameter values, nil for NULL.
        public var parameters: [[UInt8]?]
        /// Zero entries: all text; one entry: applies to all; else one per column.
        public var resultFormats: [FormatCode]

        public init(
            portalName: String, statementName: String, parameterFormats: [FormatCode] = [],
            parameters: [[UInt8]?] = [], resultFormats: [FormatCode] = []
        ) {
            self.portalName = portalName
            self.statementName = statementName
            self.parameterFormats = parameterFormats
            self.parameters = parameters
            self.resultFormats = resultFormats
        }
    }

    public struct Execute: Hashable, Sendable {
        public var portalName: String
        /// Maximum rows to return; 0 means no limit.
        public var maxRows: Int32

        public init(portalName: String, maxRows: Int32 = 0) {
            self.portalName = portalName
            self.maxRows = maxRows
        }
    }
}
