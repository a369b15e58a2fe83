import RivuletCore

/// Writes rows as header-less CSV the way Flink's `csv` format does: NULL as an empty field,
/// quotes only around values that contain the delimiter, a quote or a line break (and around
/// an empty string, so it stays distinct from NULL), `\n` line ends.
struct CSVEncoder {
    let types: [SQLType]
    let delimiter: UInt8
    let quote: UInt8
    private var text = ValueText()

    init(types: [SQLType], options: CSVOptions) {
        self.types = types
        delimiter = options.delimiter
        quote = options.quote
    }

    mutating func encode(_ batch: RowBatch, into out: inout [UInt8]) {
        let columns = batch.columns
        for row in 0..<batch.count {
            for c in columns.indices {
                if c > 0 { out.append(delimiter) }
                let column = columns[c]
                if column.isNull(row) { continue }
                switch types[c] {
                case .varchar:
                    column.strings.withBytes(row) { appendString($0, to: &out) }
                case .boolean:
                    out.append(contentsOf: column.ints[row] != 0 ? ValueText.trueBytes : ValueText.falseBytes)
                case .double:
                    ValueText.appendDouble(column.doubles[row], to: &out)
                case .decimal(_, let scale):
                    ValueText.appendDecimal(column.ints[row], scale: scale, to: &out)
                case .timestamp:
                    text.appendTimestamp(column.ints[row], to: &out)
                case .date:
                    text.appendDate(days: column.ints[row], to: &out)
                case .integer, .bigint, .intervalDayTime, .intervalYearMonth, .null:
                    ValueText.appendInt(column.ints[row], to: &out)
                }
            }
            out.append(10)
        }
    }

    @inline(__always)
    private func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var needsQuotes = bytes.isEmpty
        for c in bytes where c == delimiter || c == quote || c == 10 || c == 13 {
            needsQuotes = true
            break
        }
        guard needsQuotes else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(quote)
        for c in bytes {
            if c == quote { out.append(quote) }
            out.append(c)
        }
        out.append(quote)
    }
}
