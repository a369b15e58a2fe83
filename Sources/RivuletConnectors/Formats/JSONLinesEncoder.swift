import RivuletCore

/// Writes rows as JSON lines, one object per row with the declared column names, as Flink's
/// `json` format does: timestamps as `"YYYY-MM-DD HH:MM:SS.mmm"` strings, dates as strings,
/// DECIMAL and DOUBLE as numbers (NaN and infinities as strings), NULL as `null`. With
/// `temporalAsNumbers`, timestamps and dates are numbers instead, as ksqlDB's `JSON` writes them.
struct JSONLinesEncoder {
    let types: [SQLType]
    let temporalAsNumbers: Bool
    /// `"name":` for each column, escaped once.
    private let keys: [[UInt8]]
    private var text = ValueText()

    init(types: [SQLType], names: [String], temporalAsNumbers: Bool = false) {
        self.types = types
        self.temporalAsNumbers = temporalAsNumbers
        keys = names.map { name in
            var key: [UInt8] = []
            Self.appendQuoted(Array(name.utf8), to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    mutating func encode(_ batch: RowBatch, into out: inout [UInt8]) {
        let columns = batch.columns
        for row in 0..<batch.count {
            out.append(UInt8(ascii: "{"))
            for c in columns.indices {
                if c > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: keys[c])
                let column = columns[c]
                if column.isNull(row) {
                    out.append(contentsOf: [110, 117, 108, 108])
                    continue
                }
                switch types[c] {
                case .varchar:
                    column.strings.withBytes(row) { Self.appendQuoted($0, to: &out) }
                case .boolean:
                    out.append(contentsOf: column.ints[row] != 0 ? ValueText.trueBytes : ValueText.falseBytes)
                case .double:
                    let value = column.doubles[row]
                    if value.isFinite {
                        ValueText.appendDouble(value, to: &out)
                    } else {
                        Self.appendQuoted(Array(ValueText.javaText(value).utf8), to: &out)
                    }
                case .decimal(_, let scale):
                    ValueText.appendDecimal(column, row, scale: scale, to: &out)
                case .timestamp where temporalAsNumbers, .date where temporalAsNumbers:
                    ValueText.appendInt(column.ints[row], to: &out)
                case .timestamp:
                    out.append(UInt8(ascii: "\""))
                    text.appendTimestamp(column.ints[row], to: &out)
                    out.append(UInt8(ascii: "\""))
                case .date:
                    out.append(UInt8(ascii: "\""))
                    text.appendDate(days: column.ints[row], to: &out)
                    out.append(UInt8(ascii: "\""))
                case .integer, .bigint, .intervalDayTime, .intervalYearMonth, .null:
                    ValueText.appendInt(column.ints[row], to: &out)
                case .array, .map, .row:
                    out.append(contentsOf: ValueJSON.text(column.value(at: row, type: types[c]), type: types[c], temporalAsNumbers: temporalAsNumbers).utf8)
                }
            }
            out.append(contentsOf: [UInt8(ascii: "}"), 10])
        }
    }

    static func appendQuoted<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(UInt8(ascii: "\""))
        for c in bytes {
            switch c {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 9: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<32:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
