import RivuletCore

/// Decodes CSV records (RFC 4180 quoting, `\n` or `\r\n` line ends) from a byte buffer
/// straight into typed columns.
///
/// Only the fields of the requested columns are parsed; the others are scanned over. A record
/// that does not fit (wrong field count, a value that does not parse, a broken quote) is handed
/// to the `bad` callback and skipped. Empty lines are skipped.
///
/// NULLs: an empty unquoted field is NULL for every type except VARCHAR, where it is the empty
/// string, as Flink reads it; `csv.null-literal` makes a chosen text NULL for every type.
final class CSVDecoder {
    let options: CSVOptions
    let fieldCount: Int
    /// For each field of the record, the output column it fills, or -1 when not requested.
    private let slotOfField: [Int]
    private var pending: PendingRow

    /// `types`/`names` describe every field of a record; `columns` picks the output columns.
    init(types: [SQLType], names: [String], columns: [Int], options: CSVOptions) {
        self.options = options
        fieldCount = types.count
        var slots = Array(repeating: -1, count: types.count)
        for (slot, field) in columns.enumerated() { slots[field] = slot }
        slotOfField = slots
        pending = PendingRow(types: columns.map { types[$0] }, names: columns.map { names[$0] })
    }

    /// Decodes records from `data[start...]` into `batch` until `batch.count == maxRows` or no
    /// complete record is left. A record is complete when its line end is in `data`, or when
    /// `final` (the end of the input) is set. Returns the offset of the first byte not consumed;
    /// `line` is advanced past every line consumed.
    func decode(
        _ data: UnsafeBufferPointer<UInt8>, from start: Int, final: Bool, into batch: inout RowBatch,
        maxRows: Int, line: inout Int, bad: (BadRecord) throws -> Void
    ) rethrows -> Int {
        let n = data.count
        let delimiter = options.delimiter
        let quote = options.quote
        let lf: UInt8 = 10
        let cr: UInt8 = 13
        var pos = start
        // The pending row lives in a local for the loop: a stored property of a class would
        // pay an exclusivity check on every field.
        var pending = self.pending
        defer { self.pending = pending }
        while batch.count < maxRows, pos < n {
            let first = data[pos]
            if first == lf {
                pos += 1
                line += 1
                continue
            }
            if first == cr, pos + 1 < n, data[pos + 1] == lf {
                pos += 2
                line += 1
                continue
            }
            let recordStart = pos
            pending.reset()
            var field = 0
            var failure: String?
            var newlines = 0
            // The first line feed inside a quoted field: a quote that turns out broken ends the
            // bad record there, so it does not take the next lines with it.
            var quotedLineFeed = -1
            var brokenQuote = false
            var p = pos
            while true {
                var fieldStart = p
                var fieldEnd: Int
                var quoted = false
                var escapedQuotes = false
                if p < n, data[p] == quote {
                    quoted = true
                    p += 1
                    fieldStart = p
                    while true {
                        if p >= n {
                            if !final { return recordStart }
                            if failure == nil { brokenQuote = true }
                            failure = failure ?? "unterminated quoted field in field \(field + 1)"
                            break
                        }
                        let c = data[p]
                        if c == quote {
                            if p + 1 >= n, !final { return recordStart }
                            if p + 1 < n, data[p + 1] == quote {
                                escapedQuotes = true
                                p += 2
                                continue
                            }
                            break
                        }
                        if c == lf {
                            newlines += 1
                            if quotedLineFeed < 0 { quotedLineFeed = p }
                        }
                        p += 1
                    }
                    fieldEnd = min(p, n)
                    if p < n { p += 1 }  // the closing quote
                    if p < n, data[p] == cr, p + 1 < n, data[p + 1] == lf { p += 1 }
                    if p < n, data[p] != delimiter, data[p] != lf {
                        if p + 1 == n, data[p] == cr, final {
                            p += 1
                        } else {
                            if failure == nil { brokenQuote = true }
                            failure = failure ?? "unexpected character after a closing quote in field \(field + 1)"
                            while p < n, data[p] != delimiter, data[p] != lf { p += 1 }
                        }
                    }
                } else {
                    p = Self.delimiterOrLineFeed(in: data, from: p, delimiter: delimiter)
                    if p >= n, !final { return recordStart }
                    fieldEnd = p
                    if fieldEnd > fieldStart, data[fieldEnd - 1] == cr, p >= n || data[p] == lf { fieldEnd -= 1 }
                }
                if failure == nil, field < fieldCount {
                    let slot = slotOfField[field]
                    if slot >= 0 {
                        let text = UnsafeBufferPointer(rebasing: data[fieldStart..<fieldEnd])
                        if let reason = setField(slot, text, quoted: quoted, escapedQuotes: escapedQuotes, in: &pending) {
                            failure = reason
                        }
                    }
                }
                field += 1
                if p < n, data[p] == delimiter {
                    p += 1
                    continue
                }
                if p < n { p += 1 }  // the line feed
                break
            }
            if brokenQuote, quotedLineFeed >= 0 {
                p = quotedLineFeed + 1
                newlines = 0
                failure = "unterminated quoted field (a quote opened on this line is not closed on it)"
            }
            let recordLine = line
            line += 1 + newlines
            pos = p
            if failure == nil, field != fieldCount, !(options.ignoreParseErrors) {
                failure = "expected \(fieldCount) fields, found \(field)"
            }
            if let failure {
                try bad(BadRecord(line: recordLine, raw: UnsafeBufferPointer(rebasing: data[recordStart..<p]), reason: failure))
                continue
            }
            pending.append(into: &batch)
        }
        return pos
    }

    /// The offset of the first `delimiter` or line feed at or after `start`, or `data.count`.
    /// Tests eight bytes per step: a byte equal to the target becomes a zero byte after XOR,
    /// and `(v - 0x01…01) & ~v & 0x80…80` marks zero bytes, the lowest one exactly.
    @inline(__always)
    static func delimiterOrLineFeed(in data: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8) -> Int {
        let n = data.count
        var p = start
        guard let base = data.baseAddress else { return n }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let delimiters = ones &* UInt64(delimiter)
        let lineFeeds = ones &* 10
        while p + 8 <= n {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self))
            let a = word ^ delimiters
            let b = word ^ lineFeeds
            let found = ((a &- ones) & ~a | (b &- ones) & ~b) & highs
            if found != 0 { return p + found.trailingZeroBitCount >> 3 }
            p += 8
        }
        while p < n, base[p] != delimiter, base[p] != 10 { p += 1 }
        return p
    }

    /// Skips one record (a header line). Returns the offset after it, or nil if it is incomplete.
    func skipRecord(_ data: UnsafeBufferPointer<UInt8>, from start: Int, final: Bool, line: inout Int) -> Int? {
        var p = start
        var inQuotes = false
        var newlines = 0
        while p < data.count {
            let c = data[p]
            if c == options.quote { inQuotes.toggle() }
            if c == 10 {
                newlines += 1
                if !inQuotes {
                    line += newlines
                    return p + 1
                }
            }
            p += 1
        }
        guard final else { return nil }
        line += newlines
        return p
    }

    @inline(__always)
    private func setField(
        _ slot: Int, _ text: UnsafeBufferPointer<UInt8>, quoted: Bool, escapedQuotes: Bool, in pending: inout PendingRow
    ) -> String? {
        if let literal = options.nullLiteral, text.elementsEqual(literal) {
            pending.setNull(slot)
            return nil
        }
        if text.isEmpty, !quoted, pending.kinds[slot] != .string {
            pending.setNull(slot)
            return nil
        }
        if escapedQuotes {
            let start = pending.scratch.count
            var i = 0
            while i < text.count {
                pending.scratch.append(text[i])
                i += text[i] == options.quote ? 2 : 1
            }
            let reason = pending.setScratchString(slot, start: start, end: pending.scratch.count)
            return ignoring(reason, slot, in: &pending)
        }
        return ignoring(pending.set(slot, text: text), slot, in: &pending)
    }

    @inline(__always)
    private func ignoring(_ reason: String?, _ slot: Int, in pending: inout PendingRow) -> String? {
        guard let reason else { return nil }
        if options.ignoreParseErrors {
            pending.setNull(slot)
            return nil
        }
        return reason
    }
}
