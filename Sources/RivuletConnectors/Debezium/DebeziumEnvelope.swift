public import RivuletCore

/// One change event as Debezium writes it in JSON: an object with `op` and the row images
/// `before` and `after` (besides `source`, `ts_ms` and `transaction`, which are not read).
/// With the JSON converter's schemas enabled (Flink's `debezium-json.schema-include`) the
/// event is the `payload` of an object `{"schema": ..., "payload": ...}`.
///
/// Parsing only finds where the images are: `before` and `after` are byte ranges of the JSON
/// objects in the message, decoded into columns by the `json` format's decoder, so a Debezium
/// row and a plain JSON row convert their fields by the same rules.
public struct DebeziumEnvelope: Equatable, Sendable {
    public var operation: DebeziumOperation
    /// The row before the change; nil when absent or `null`.
    public var before: Range<Int>?
    /// The row after the change; nil when absent or `null`.
    public var after: Range<Int>?

    public init(operation: DebeziumOperation, before: Range<Int>?, after: Range<Int>?) {
        self.operation = operation
        self.before = before
        self.after = after
    }

    /// Finds the envelope in one message value. `schemaIncluded`: the event is wrapped in
    /// `schema` / `payload`. The error is the reason, for the bad-record log.
    public static func parse(_ text: UnsafeBufferPointer<UInt8>, schemaIncluded: Bool) -> Result<DebeziumEnvelope, DebeziumEnvelopeError> {
        let scanner = JSONFieldScanner(text: text)
        func fields(_ range: Range<Int>) throws(DebeziumEnvelopeError) -> [String: Range<Int>] {
            do { return try scanner.topLevelFields(of: range) } catch { throw DebeziumEnvelopeError(error.reason) }
        }
        func image(_ name: String, in fields: [String: Range<Int>]) throws(DebeziumEnvelopeError) -> Range<Int>? {
            guard let range = fields[name], !scanner.isNull(range) else { return nil }
            guard text[range.lowerBound] == UInt8(ascii: "{") else { throw DebeziumEnvelopeError("'\(name)' is not an object") }
            return range
        }
        do throws(DebeziumEnvelopeError) {
            var envelope = try fields(0..<text.count)
            if schemaIncluded {
                guard let payload = envelope["payload"], text[payload.lowerBound] == UInt8(ascii: "{") else {
                    throw DebeziumEnvelopeError("no 'payload' object, which 'debezium-json.schema-include' = 'true' expects")
                }
                envelope = try fields(payload)
            } else if envelope["op"] == nil, envelope["payload"] != nil, envelope["schema"] != nil {
                throw DebeziumEnvelopeError("the event is wrapped in 'schema' and 'payload'; set 'debezium-json.schema-include' = 'true'")
            }
            guard let op = envelope["op"] else { throw DebeziumEnvelopeError("no 'op' field") }
            guard let code = scanner.stringBody(op), let operation = DebeziumOperation(code: String(decoding: code, as: UTF8.self)) else {
                let shown = String(decoding: UnsafeBufferPointer(rebasing: text[op]).prefix(20), as: UTF8.self)
                throw DebeziumEnvelopeError("unknown 'op' \(shown); expected \"c\", \"r\", \"u\" or \"d\"")
            }
            return .success(DebeziumEnvelope(operation: operation, before: try image("before", in: envelope), after: try image("after", in: envelope)))
        } catch {
            return .failure(error)
        }
    }

    /// The rows this event changes, in order, each with its kind: a create or snapshot read
    /// inserts `after`; an update retracts `before` (`-U`) and adds `after` (`+U`); a delete
    /// deletes `before`. An update or delete without `before` cannot retract the old row, which
    /// is what Postgres sends for a table whose replica identity is only its key.
    public func changes() -> Result<[(kind: RowKind, image: Range<Int>)], DebeziumEnvelopeError> {
        let fullImages = "the source table must log whole old rows (Postgres: ALTER TABLE ... REPLICA IDENTITY FULL)"
        switch operation {
        case .create, .read:
            guard let after else { return .failure(DebeziumEnvelopeError("'\(operation.code)' event without 'after'")) }
            return .success([(.insert, after)])
        case .update:
            guard let after else { return .failure(DebeziumEnvelopeError("'u' event without 'after'")) }
            guard let before else { return .failure(DebeziumEnvelopeError("'u' event without 'before'; \(fullImages)")) }
            return .success([(.updateBefore, before), (.updateAfter, after)])
        case .delete:
            guard let before else { return .failure(DebeziumEnvelopeError("'d' event without 'before'; \(fullImages)")) }
            return .success([(.delete, before)])
        }
    }
}

/// Why a message is not a Debezium change event.
public struct DebeziumEnvelopeError: Error, Equatable, Sendable {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }
}
