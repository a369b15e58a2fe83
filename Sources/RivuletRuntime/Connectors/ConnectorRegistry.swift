public import RivuletCore
public import RivuletPlanner

/// The connectors a process knows, by `connector` option value.
public struct ConnectorRegistry: Sendable {
    private var factories: [String: any ConnectorFactory] = [:]

    public init(_ factories: [any ConnectorFactory] = []) {
        for factory in factories { register(factory) }
    }

    public mutating func register(_ factory: any ConnectorFactory) {
        for name in factory.names { factories[name.lowercased()] = factory }
    }

    public var names: [String] { factories.keys.sorted() }

    public func factory(for spec: ConnectorSpec) throws(SQLError) -> any ConnectorFactory {
        guard let factory = factories[spec.connector.lowercased()] else {
            throw SQLError(
                .featureNotSupported, "unknown connector '\(spec.connector)'",
                hint: "known connectors: \(names.joined(separator: ", "))")
        }
        return factory
    }
}
