import Foundation
import RivuletCore
import RivuletPlanner

/// Flink's text functions that cut, pad, repeat and recode strings: OVERLAY, LPAD/RPAD, REPEAT,
/// REVERSE, LEFT/RIGHT, ASCII, CHR, CONCAT_WS, TRANSLATE, TO_BASE64/FROM_BASE64. Counts are of
/// characters (code points), as in `StringFunctions`.
enum StringEditing {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode], type: SQLType) throws(SQLError) -> CompiledNode {
        func need(_ counts: ClosedRange<Int>) throws(SQLError) {
            guard counts.contains(args.count) else { throw ArithmeticKernels.arity(function, args.count) }
        }
        switch function {
        case .overlay:
            try need(3...4)
            return StringFunctions.text(args) { cols, i, out in
                let s = scalars(cols[0], i), replacement = scalars(cols[1], i)
                let length = cols.count > 3 ? cols[3].ints[i] : Int64(replacement.count)
                append(overlay(s, replacement, start: cols[2].ints[i], length: length), to: &out)
                return true
            }
        case .leftPad, .rightPad:
            try need(3...3)
            let left = function == .leftPad
            return StringFunctions.text(args) { cols, i, out in
                let length = cols[1].ints[i], pad = scalars(cols[2], i)
                guard let padded = self.pad(scalars(cols[0], i), to: length, with: pad, left: left) else { return false }
                append(padded, to: &out)
                return true
            }
        case .repeatText:
            try need(2...2)
            return repeatText(args[0], args[1])
        case .reverse:
            try need(1...1)
            return StringFunctions.text(args) { cols, i, out in
                append(scalars(cols[0], i).reversed(), to: &out)
                return true
            }
        case .left, .right:
            try need(2...2)
            let fromStart = function == .left
            return StringFunctions.text(args) { cols, i, out in
                let s = scalars(cols[0], i)
                let count = Int(clamping: max(0, min(cols[1].ints[i], Int64(s.count))))
                append(fromStart ? s.prefix(count) : s.suffix(count), to: &out)
                return true
            }
        case .ascii:
            try need(1...1)
            // Flink answers with the first UTF-8 byte as a signed byte (-61 for 'ä').
            return StringFunctions.number(args, type) { cols, i in
                cols[0].strings.withBytes(i) { value in value.first.map { Int64(Int8(bitPattern: $0)) } ?? 0 }
            }
        case .chr:
            try need(1...1)
            // The character of the code's low byte; nothing for a negative code.
            return StringFunctions.text(args) { cols, i, out in
                let code = cols[0].ints[i]
                if code >= 0 { append([Unicode.Scalar(UInt8(code & 0xFF))], to: &out) }
                return true
            }
        case .concatWithSeparator:
            try need(1...Int.max)
            return concatWithSeparator(args)
        case .translate:
            try need(3...3)
            return StringFunctions.text(args) { cols, i, out in
                append(translate(scalars(cols[0], i), from: scalars(cols[1], i), to: scalars(cols[2], i)), to: &out)
                return true
            }
        case .toBase64:
            try need(1...1)
            return StringFunctions.text(args) { cols, i, out in
                cols[0].strings.withBytes(i) { out.append(contentsOf: Data($0).base64EncodedString().utf8) }
                return true
            }
        case .fromBase64:
            try need(1...1)
            let text = args[0]
            return CompiledNode(type: .varchar, children: args, mayThrow: true) { input throws(SQLError) in
                let column = try text.run(input)
                var out = ByteColumn()
                for i in 0..<column.count {
                    if !column.isNull(i) {
                        let encoded = column.strings[i]
                        guard let bytes = Data(base64Encoded: encoded) else {
                            throw SQLError(.invalidParameterValue, "FROM_BASE64: '\(encoded)' is not base64")
                        }
                        out.bytes.append(contentsOf: bytes)
                    }
                    out.offsets.append(out.bytes.count)
                }
                return Column(strings: out, validity: column.validity)
            }
        case .bin:
            try need(1...1)
            return StringFunctions.text(args) { cols, i, out in
                out.append(contentsOf: String(UInt64(bitPattern: cols[0].ints[i]), radix: 2).utf8)
                return true
            }
        case .hex:
            try need(1...1)
            // Of a number its two's-complement digits; of text its UTF-8 bytes.
            let ofText = args[0].type == .varchar
            return StringFunctions.text(args) { cols, i, out in
                if ofText {
                    cols[0].strings.withBytes(i) { bytes in
                        for byte in bytes {
                            if byte < 16 { out.append(UInt8(ascii: "0")) }
                            out.append(contentsOf: String(byte, radix: 16, uppercase: true).utf8)
                        }
                    }
                } else {
                    out.append(contentsOf: String(UInt64(bitPattern: cols[0].ints[i]), radix: 16, uppercase: true).utf8)
                }
                return true
            }
        default:
            throw SQLError.internal("\(function) is not a string editing function")
        }
    }

    static func scalars(_ column: Column, _ i: Int) -> [Unicode.Scalar] { Array(column.strings[i].unicodeScalars) }

    static func append(_ scalars: some Sequence<Unicode.Scalar>, to out: inout [UInt8]) {
        for scalar in scalars { out.append(contentsOf: String(scalar).utf8) }
    }

    /// Flink's OVERLAY: a start outside the string leaves it as it is; what follows the replaced
    /// part is kept only when that part ends inside the string and is not empty.
    static func overlay(_ s: [Unicode.Scalar], _ replacement: [Unicode.Scalar], start: Int64, length: Int64) -> [Unicode.Scalar] {
        guard start > 0, start <= Int64(s.count) else { return s }
        var result = Array(s[0..<Int(start - 1)]) + replacement
        if length > 0, start + length <= Int64(s.count) { result += s[Int(start - 1 + length)...] }
        return result
    }

    /// Padded to `length` by repeating `pad` on one side, or cut to its first `length` characters;
    /// nil (NULL) for a negative length or an empty pad that would be needed.
    static func pad(_ s: [Unicode.Scalar], to length: Int64, with pad: [Unicode.Scalar], left: Bool) -> [Unicode.Scalar]? {
        guard length >= 0 else { return nil }
        if length <= Int64(s.count) { return Array(s.prefix(Int(length))) }
        guard !pad.isEmpty else { return nil }
        let missing = Int(length) - s.count
        let filler = (0..<missing).map { pad[$0 % pad.count] }
        return left ? filler + s : s + filler
    }

    static func translate(_ s: [Unicode.Scalar], from: [Unicode.Scalar], to: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var map: [Unicode.Scalar: Unicode.Scalar?] = [:]
        for (index, scalar) in from.enumerated() where map[scalar] == nil {
            map[scalar] = index < to.count ? to[index] : Optional<Unicode.Scalar>.none
        }
        return s.compactMap { scalar in map[scalar] ?? scalar }
    }

    /// The longest text REPEAT makes: more is an error rather than memory exhausted.
    static let maxRepeatedBytes: Int64 = 1 << 28

    static func repeatText(_ text: CompiledNode, _ times: CompiledNode) -> CompiledNode {
        CompiledNode(type: .varchar, children: [text, times], mayThrow: true) { input throws(SQLError) in
            let (values, counts) = (try text.run(input), try times.run(input))
            let validity = Validity.and(values.validity, counts.validity)
            var out = ByteColumn()
            for i in 0..<input.count {
                if validity?.isValid(i) ?? true, counts.ints[i] > 0 {
                    let (total, overflow) = Int64(values.strings.withBytes(i) { $0.count }).multipliedReportingOverflow(by: counts.ints[i])
                    guard !overflow, total <= maxRepeatedBytes else {
                        throw SQLError(SQLState("54000"), "REPEAT would make a string of more than \(maxRepeatedBytes) bytes")
                    }
                    values.strings.withBytes(i) { value in
                        for _ in 0..<counts.ints[i] { out.bytes.append(contentsOf: value) }
                    }
                }
                out.offsets.append(out.bytes.count)
            }
            return Column(strings: out, validity: validity)
        }
    }

    /// CONCAT_WS: NULL strings are skipped; only a NULL separator makes the result NULL.
    static func concatWithSeparator(_ args: [CompiledNode]) -> CompiledNode {
        CompiledNode(type: .varchar, children: args) { input throws(SQLError) in
            let cols = try args.map { arg throws(SQLError) in try arg.run(input) }
            let separator = cols[0]
            var out = ByteColumn()
            for i in 0..<input.count {
                if !separator.isNull(i) {
                    var first = true
                    for column in cols.dropFirst() where !column.isNull(i) {
                        if !first { separator.strings.withBytes(i) { out.bytes.append(contentsOf: $0) } }
                        column.strings.withBytes(i) { out.bytes.append(contentsOf: $0) }
                        first = false
                    }
                }
                out.offsets.append(out.bytes.count)
            }
            return Column(strings: out, validity: separator.validity)
        }
    }
}
