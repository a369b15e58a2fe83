import RivuletCore

/// Writes a Postgres table's changes as Debezium's Postgres connector does with the JSON
/// converter and schemas off: the key an object of the primary key's columns, the value an
/// envelope `{"before", "after", "source", "op", "ts_ms", "transaction"}`. Column values are
/// JSON by the `json` format's rules (timestamps and dates as text, where Debezium writes
/// epoch numbers), so a `debezium-json` or `json` table reads them back as they were.
struct DebeziumEventEncoder {
    let fields: [Field]
    let primaryKey: [Int]
    let connectorName: String
    let database: String
    let schema: String
    let table: String

    /// Where in the database's history an event comes from: its transaction and commit time.
    struct Origin {
        var snapshot: Bool
        var transactionID: UInt32?
        /// Milliseconds since 1970.
        var commitMillis: Int64
        var lsn: UInt64
    }

    func key(_ row: [Value]) -> [UInt8] {
        var out = "{"
        for (n, index) in primaryKey.enumerated() {
            if n > 0 { out += "," }
            ValueJSON.appendQuoted(fields[index].name, to: &out)
            out += ":"
            ValueJSON.append(row[index], type: fields[index].type, to: &out)
        }
        out += "}"
        return Array(out.utf8)
    }

    func value(op: String, before: [Value]?, after: [Value]?, origin: Origin, nowMillis: Int64) -> [UInt8] {
        var out = "{\"before\":"
        image(before, into: &out)
        out += ",\"after\":"
        image(after, into: &out)
        out += ",\"source\":{\"version\":\"rivulet\",\"connector\":\"postgresql\",\"name\":"
        ValueJSON.appendQuoted(connectorName, to: &out)
        out += ",\"ts_ms\":\(origin.commitMillis),\"snapshot\":\"\(origin.snapshot)\",\"db\":"
        ValueJSON.appendQuoted(database, to: &out)
        out += ",\"schema\":"
        ValueJSON.appendQuoted(schema, to: &out)
        out += ",\"table\":"
        ValueJSON.appendQuoted(table, to: &out)
        out += ",\"txId\":\(origin.transactionID.map(String.init) ?? "null"),\"lsn\":\(origin.lsn)}"
        out += ",\"op\":\"\(op)\",\"ts_ms\":\(nowMillis),\"transaction\":null}"
        return Array(out.utf8)
    }

    private func image(_ row: [Value]?, into out: inout String) {
        guard let row else {
            out += "null"
            return
        }
        out += "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { out += "," }
            ValueJSON.appendQuoted(field.name, to: &out)
            out += ":"
            ValueJSON.append(row[index], type: field.type, to: &out)
        }
        out += "}"
    }
}
