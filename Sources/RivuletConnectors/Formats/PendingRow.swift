import RivuletCore

/// One record's parsed values, held until the whole record is known to be good and then
/// appended to the batch's columns at once, so a record that fails halfway leaves no trace.
///
/// Strings point into the decoder's input (valid for the current decode call) or, when they had
/// to be unescaped, into `scratch`.
struct PendingRow {
    let kinds: [FieldKind]
    let types: [SQLType]
    let names: [String]
    var ints: [Int64]
    var wides: [Int128]
    var doubles: [Double]
    var isSet: [Bool]
    var isNull: [Bool]
    var sourceStrings: [UnsafeBufferPointer<UInt8>]
    /// `(start, end)` in `scratch`, or `start < 0` when the value is in `sourceStrings`.
    var scratchRanges: [(start: Int, end: Int)]
    var scratch: [UInt8] = []
    /// Parsed values of nested slots.
    var nested: [Value]

    init(types: [SQLType], names: [String]) {
        self.types = types
        self.names = names
        kinds = types.map(FieldKind.init)
        let n = types.count
        ints = Array(repeating: 0, count: n)
        wides = Array(repeating: 0, count: n)
        doubles = Array(repeating: 0, count: n)
        isSet = Array(repeating: false, count: n)
        isNull = Array(repeating: true, count: n)
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        sourceStrings = Array(repeating: empty, count: n)
        scratchRanges = Array(repeating: (-1, -1), count: n)
        nested = Array(repeating: .null, count: n)
        scratch.reserveCapacity(256)
    }

    mutating func reset() {
        for i in isSet.indices { isSet[i] = false }
        scratch.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func setNull(_ slot: Int) {
        isSet[slot] = true
        isNull[slot] = true
    }

    /// Parses `text` as the slot's type. Returns a reason when it is not a valid value.
    /// Strings are referenced, not copied.
    @inline(__always)
    mutating func set(_ slot: Int, text raw: UnsafeBufferPointer<UInt8>) -> String? {
        isSet[slot] = true
        isNull[slot] = false
        switch kinds[slot] {
        case .string:
            sourceStrings[slot] = raw
            scratchRanges[slot].start = -1
            return TextCheck.problem(raw).map { "column '\(names[slot])': \($0)" }
        case .int64:
            if let v = FieldParser.int64(FieldParser.trimmed(raw)) { ints[slot] = v; return nil }
        case .int32:
            if let v = FieldParser.int64(FieldParser.trimmed(raw)), v >= Int64(Int32.min), v <= Int64(Int32.max) {
                ints[slot] = v
                return nil
            }
        case .timestamp:
            if let v = TimeFormat.parseTimestamp(FieldParser.trimmed(raw)) { ints[slot] = v; return nil }
        case .double:
            if let v = FieldParser.double(FieldParser.trimmed(raw)) { doubles[slot] = v; return nil }
        case .decimal(let scale):
            if let v = DecimalFormat.parse(FieldParser.trimmed(raw), scale: scale), let narrow = Int64(exactly: v) {
                ints[slot] = narrow
                return nil
            }
        case .wideDecimal(let scale):
            if let v = DecimalFormat.parse(FieldParser.trimmed(raw), scale: scale) { wides[slot] = v; return nil }
        case .date:
            let text = FieldParser.trimmed(raw)
            if text.count == 10, let v = TimeFormat.parseTimestamp(text) { ints[slot] = v / 86_400_000; return nil }
        case .boolean:
            if let v = FieldParser.bool(FieldParser.trimmed(raw)) { ints[slot] = v ? 1 : 0; return nil }
        case .alwaysNull:
            isNull[slot] = true
            return nil
        case .nested:
            if let v = ValueJSON.parse(String(decoding: raw, as: UTF8.self), as: types[slot]) {
                nested[slot] = v
                isNull[slot] = v.isNull
                return nil
            }
        }
        return failure(slot, raw)
    }

    /// Sets a string slot to bytes already copied into `scratch[start..<end]`.
    mutating func setScratchString(_ slot: Int, start: Int, end: Int) -> String? {
        if kinds[slot] == .string {
            isSet[slot] = true
            isNull[slot] = false
            scratchRanges[slot] = (start, end)
            return scratch.withUnsafeBufferPointer { all in
                TextCheck.problem(UnsafeBufferPointer(rebasing: all[start..<end])).map { "column '\(names[slot])': \($0)" }
            }
        }
        // A non-string column given an escaped string: parse the unescaped text.
        let copy = Array(scratch[start..<end])
        return copy.withUnsafeBufferPointer { text -> String? in
            let reason = set(slot, text: text)
            return reason
        }
    }

    func failure(_ slot: Int, _ raw: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: raw.prefix(80), as: UTF8.self)
        return "column '\(names[slot])': '\(text)' is not a valid \(types[slot])"
    }

    /// Appends the row to `batch` (slots never set are NULL).
    @inline(__always)
    mutating func append(into batch: inout RowBatch) {
        for slot in 0..<kinds.count {
            if !isSet[slot] || isNull[slot] {
                batch.columns[slot].appendNull()
                continue
            }
            switch kinds[slot] {
            case .string:
                let range = scratchRanges[slot]
                if range.start < 0 {
                    batch.columns[slot].strings.append(sourceStrings[slot])
                } else {
                    scratch.withUnsafeBufferPointer { all in
                        batch.columns[slot].strings.append(UnsafeBufferPointer(rebasing: all[range.start..<range.end]))
                    }
                }
            case .double:
                batch.columns[slot].doubles.append(doubles[slot])
            case .wideDecimal:
                batch.columns[slot].wides.append(wides[slot])
            case .alwaysNull:
                batch.columns[slot].appendNull()
                continue
            case .nested:
                batch.columns[slot].append(nested[slot])
                continue
            default:
                batch.columns[slot].ints.append(ints[slot])
            }
            if batch.columns[slot].validity != nil { batch.columns[slot].validity!.append(true) }
        }
        batch.count += 1
    }
}
