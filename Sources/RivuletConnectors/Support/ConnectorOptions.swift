public import RivuletCore
public import RivuletPlanner

/// A connector's `WITH (...)` options, checked against the keys the connector knows so that a
/// typo is an error naming the key (with a did-you-mean hint), and read with typed accessors
/// whose errors name the option and the connector.
public struct ConnectorOptions: Sendable {
    public let connector: String
    public let values: [String: String]

    /// Checks every key: each must be in `known`, or start with one of `prefixes`, or be in
    /// `ignored` (options of the home system that have no effect here, accepted so scripts run
    /// unmodified).
    public init(
        _ spec: ConnectorSpec, known: Set<String>, prefixes: [String] = [], ignored: Set<String> = [],
        ignoredPrefixes: [String] = []
    ) throws(SQLError) {
        connector = spec.connector.lowercased()
        var values: [String: String] = [:]
        for (rawKey, value) in spec.options {
            let key = rawKey.lowercased()
            if key == "connector" { continue }
            let accepted = known.contains(key) || ignored.contains(key)
                || prefixes.contains { key.hasPrefix($0) } || ignoredPrefixes.contains { key.hasPrefix($0) }
            guard accepted else {
                let candidates = Array(known) + ["connector"]
                var hint = "known options: \(known.sorted().joined(separator: ", "))"
                if let close = Suggestion.closest(to: key, in: candidates) { hint = "did you mean '\(close)'?" }
                throw SQLError(.invalidParameterValue, "unknown option '\(rawKey)' for connector '\(spec.connector)'", hint: hint)
            }
            values[key] = value
        }
        self.values = values
    }

    public subscript(key: String) -> String? { values[key] }

    public func contains(_ key: String) -> Bool { values[key] != nil }

    public func required(_ key: String) throws(SQLError) -> String {
        guard let value = values[key], !value.isEmpty else {
            throw SQLError(.invalidParameterValue, "missing option '\(key)' for connector '\(connector)'")
        }
        return value
    }

    public func invalid(_ key: String, _ value: String, expected: String) -> SQLError {
        SQLError(.invalidParameterValue, "invalid value '\(value)' for option '\(key)' of connector '\(connector)': expected \(expected)")
    }

    public func int(_ key: String) throws(SQLError) -> Int64? {
        guard let text = values[key] else { return nil }
        let trimmed = text.trimmingSpaces
        guard let value = Int64(trimmed) ?? Int64(trimmed.replacingUnderscores) else {
            throw invalid(key, text, expected: "an integer")
        }
        return value
    }

    public func int(_ key: String, default fallback: Int64, min: Int64 = .min) throws(SQLError) -> Int64 {
        let value = try int(key) ?? fallback
        guard value >= min else { throw invalid(key, values[key] ?? "", expected: "an integer ≥ \(min)") }
        return value
    }

    /// Milliseconds of a duration such as `'30 s'` or `'500 ms'` (see `DurationText`).
    public func duration(_ key: String, positive: Bool = false) throws(SQLError) -> Int64? {
        guard let text = values[key] else { return nil }
        return try DurationText.milliseconds(text, for: "option '\(key)' of connector '\(connector)'", positive: positive)
    }

    public func double(_ key: String) throws(SQLError) -> Double? {
        guard let text = values[key] else { return nil }
        guard let value = Double(text.trimmingSpaces) else { throw invalid(key, text, expected: "a number") }
        return value
    }

    public func bool(_ key: String, default fallback: Bool) throws(SQLError) -> Bool {
        guard let text = values[key] else { return fallback }
        switch text.trimmingSpaces.lowercased() {
        case "true": return true
        case "false": return false
        default: throw invalid(key, text, expected: "true or false")
        }
    }

    /// One of `choices` (compared case-insensitively), returned lower-case.
    public func choice(_ key: String, _ choices: [String], default fallback: String? = nil) throws(SQLError) -> String {
        guard let text = values[key] else {
            if let fallback { return fallback }
            return try required(key)
        }
        let lowered = text.trimmingSpaces.lowercased()
        guard choices.contains(lowered) else {
            var error = invalid(key, text, expected: "one of " + choices.map { "'\($0)'" }.joined(separator: ", "))
            if let close = Suggestion.closest(to: lowered, in: choices) { error.hint = "did you mean '\(close)'?" }
            throw error
        }
        return lowered
    }

    /// A timestamp option such as `base-time`, as epoch milliseconds.
    public func timestamp(_ key: String) throws(SQLError) -> Int64? {
        guard let text = values[key] else { return nil }
        guard let millis = TimeFormat.parseTimestamp(text.trimmingSpaces) else {
            throw invalid(key, text, expected: "a timestamp 'YYYY-MM-DD HH:MM:SS[.fff]'")
        }
        return millis
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    fileprivate var replacingUnderscores: String { String(filter { $0 != "_" }) }
}
