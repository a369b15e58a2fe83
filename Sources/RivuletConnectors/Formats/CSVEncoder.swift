import RivuletCore

/// Writes rows as header-less CSV the way Flink's `csv` format does: NULL as an empty field,
/// quotes only around values that contain the delimiter, a quote or a line break (and around
/// an empty string, so it stays distinct from NULL), `\n` line ends. With `temporalAsNumbers`,
/// timestamps are epoch milliseconds and dates days since the epoch, as ksqlDB's `DELIMITED`.
///
/// A batch is encoded a column at a time (one type switch and one column access per column,
/// not per value) into a scratch buffer, then the fields are interleaved into rows.
struct CSVEncoder {
    let types: [SQLType]
    let delimiter: UInt8
    let quote: UInt8
    let temporalAsNumbers: Bool
    private var text = ValueText()
    /// Every field's text, column after column.
    private var fieldBytes: [UInt8] = []
    /// End offset in `fieldBytes` of field `column * rows + row`; each field starts where the
    /// previous one ended.
    private var fieldEnds: [Int] = []

    init(types: [SQLType], options: CSVOptions, temporalAsNumbers: Bool = false) {
        self.types = types
        self.temporalAsNumbers = temporalAsNumbers
        delimiter = options.delimiter
        quote = options.quote
    }

    mutating func encode(_ batch: RowBatch, into out: inout [UInt8]) {
        let rows = batch.count
        let width = batch.columns.count
        guard rows > 0, width > 0 else {
            if width == 0 { out.append(contentsOf: repeatElement(10, count: rows)) }
            return
        }
        fieldBytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        fieldEnds.reserveCapacity(rows * width)
        for c in 0..<width { encodeColumn(batch.columns[c], type: types[c], rows: rows) }

        // Interleave: row by row, the fields of every column, delimiters and a line end.
        let start = out.count
        let total = fieldBytes.count + rows * width
        out.append(contentsOf: repeatElement(0, count: total))
        let delimiter = delimiter
        out.withUnsafeMutableBufferPointer { output in
            fieldBytes.withUnsafeBufferPointer { bytes in
                fieldEnds.withUnsafeBufferPointer { ends in
                    var w = start
                    for row in 0..<rows {
                        var index = row
                        for c in 0..<width {
                            if c > 0 {
                                output[w] = delimiter
                                w += 1
                            }
                            let from = index == 0 ? 0 : ends[index - 1]
                            let length = ends[index] - from
                            if length > 0 {
                                (output.baseAddress! + w).update(from: bytes.baseAddress! + from, count: length)
                                w += length
                            }
                            index += rows
                        }
                        output[w] = 10
                        w += 1
                    }
                }
            }
        }
    }

    /// Appends the text of every row of `column` to `fieldBytes` (nothing for NULL).
    private mutating func encodeColumn(_ column: Column, type: SQLType, rows: Int) {
        let validity = column.validity
        switch type {
        case .varchar:
            column.strings.bytes.withUnsafeBufferPointer { bytes in
                column.strings.offsets.withUnsafeBufferPointer { offsets in
                    for row in 0..<rows {
                        if validity?.isValid(row) ?? true {
                            appendString(UnsafeBufferPointer(rebasing: bytes[offsets[row]..<offsets[row + 1]]))
                        }
                        fieldEnds.append(fieldBytes.count)
                    }
                }
            }
        case .double:
            for row in 0..<rows {
                if validity?.isValid(row) ?? true { ValueText.appendDouble(column.doubles[row], to: &fieldBytes) }
                fieldEnds.append(fieldBytes.count)
            }
        case .boolean:
            for row in 0..<rows {
                if validity?.isValid(row) ?? true {
                    fieldBytes.append(contentsOf: column.ints[row] != 0 ? ValueText.trueBytes : ValueText.falseBytes)
                }
                fieldEnds.append(fieldBytes.count)
            }
        case .decimal(_, let scale):
            for row in 0..<rows {
                if validity?.isValid(row) ?? true { ValueText.appendDecimal(column, row, scale: scale, to: &fieldBytes) }
                fieldEnds.append(fieldBytes.count)
            }
        case .timestamp where temporalAsNumbers, .date where temporalAsNumbers:
            for row in 0..<rows {
                if validity?.isValid(row) ?? true { ValueText.appendInt(column.ints[row], to: &fieldBytes) }
                fieldEnds.append(fieldBytes.count)
            }
        case .timestamp:
            column.ints.withUnsafeBufferPointer { values in
                for row in 0..<rows {
                    if validity?.isValid(row) ?? true { text.appendTimestamp(values[row], to: &fieldBytes) }
                    fieldEnds.append(fieldBytes.count)
                }
            }
        case .date:
            for row in 0..<rows {
                if validity?.isValid(row) ?? true { text.appendDate(days: column.ints[row], to: &fieldBytes) }
                fieldEnds.append(fieldBytes.count)
            }
        case .array, .map, .row:
            // Refused when the relation is declared (`NestedColumns`); JSON text if ever reached.
            for row in 0..<rows {
                if validity?.isValid(row) ?? true {
                    fieldBytes.append(contentsOf: ValueJSON.text(column.value(at: row, type: type), type: type).utf8)
                }
                fieldEnds.append(fieldBytes.count)
            }
        case .integer, .bigint, .intervalDayTime, .intervalYearMonth, .null:
            column.ints.withUnsafeBufferPointer { values in
                for row in 0..<rows {
                    if validity?.isValid(row) ?? true { ValueText.appendInt(values[row], to: &fieldBytes) }
                    fieldEnds.append(fieldBytes.count)
                }
            }
        }
    }

    @inline(__always)
    private mutating func appendString(_ bytes: UnsafeBufferPointer<UInt8>) {
        var needsQuotes = bytes.isEmpty
        for c in bytes where c == delimiter || c == quote || c == 10 || c == 13 {
            needsQuotes = true
            break
        }
        guard needsQuotes else {
            fieldBytes.append(contentsOf: bytes)
            return
        }
        fieldBytes.append(quote)
        for c in bytes {
            if c == quote { fieldBytes.append(quote) }
            fieldBytes.append(c)
        }
        fieldBytes.append(quote)
    }
}
