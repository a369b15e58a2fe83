import RivuletCore
import RivuletPlanner

/// UPPER, LOWER, CONCAT / ||, CHAR_LENGTH, TRIM/LTRIM/RTRIM, SUBSTRING, SPLIT_INDEX, REPLACE,
/// POSITION over UTF-8 bytes. Lengths and positions count characters (code points), not bytes.
/// Every function is NULL when any argument is NULL (CONCAT too, as in Flink).
enum StringFunctions {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode], type: SQLType) throws(SQLError) -> CompiledNode {
        // CONCAT and || accept any type, as text.
        let args = try args.map { arg throws(SQLError) -> CompiledNode in
            function == .concat && arg.type != .varchar ? try CastKernels.compile(arg, to: .varchar) : arg
        }
        func need(_ counts: ClosedRange<Int>) throws(SQLError) {
            guard counts.contains(args.count) else { throw ArithmeticKernels.arity(function, args.count) }
        }
        switch function {
        case .upper, .lower:
            try need(1...1)
            return changeCase(args[0], upper: function == .upper)
        case .initCap:
            try need(1...1)
            return text(args) { cols, i, out in
                var startsWord = true
                for character in cols[0].strings[i] {
                    let cased = character.isWhitespace ? String(character) : startsWord ? character.uppercased() : character.lowercased()
                    out.append(contentsOf: cased.utf8)
                    startsWord = character.isWhitespace
                }
                return true
            }
        case .concat:
            try need(1...Int.max)
            return text(args) { cols, i, out in
                for column in cols { column.strings.withBytes(i) { out.append(contentsOf: $0) } }
                return true
            }
        case .charLength:
            try need(1...1)
            return number(args, type) { cols, i in cols[0].strings.withBytes(i) { Int64(characterCount($0)) } }
        case .trim, .ltrim, .rtrim:
            try need(1...2)
            let leading = function != .rtrim, trailing = function != .ltrim
            return text(args) { cols, i, out in
                let characters = cols.count > 1 ? Array(cols[1].strings[i].unicodeScalars) : [" "]
                cols[0].strings.withBytes(i) { value in
                    out.append(contentsOf: trim(value, characters, leading: leading, trailing: trailing))
                }
                return true
            }
        case .substring:
            try need(2...3)
            return text(args) { cols, i, out in
                cols[0].strings.withBytes(i) { value in
                    substring(value, start: cols[1].ints[i], length: cols.count > 2 ? cols[2].ints[i] : nil, to: &out)
                }
            }
        case .splitIndex:
            try need(3...3)
            return text(args) { cols, i, out in
                cols[0].strings.withBytes(i) { value in
                    cols[1].strings.withBytes(i) { separator in
                        splitIndex(value, separator, cols[2].ints[i], to: &out)
                    }
                }
            }
        case .replace:
            try need(3...3)
            return text(args) { cols, i, out in
                cols[0].strings.withBytes(i) { value in
                    cols[1].strings.withBytes(i) { search in
                        cols[2].strings.withBytes(i) { replacement in
                            replace(value, search, replacement, to: &out)
                        }
                    }
                }
                return true
            }
        case .formatType:
            try need(2...2)
            return text(args) { cols, i, out in
                guard let name = PGTypeCatalog.formatType(oid: cols[0].ints[i], modifier: cols[1].ints[i]) else { return false }
                out.append(contentsOf: name.utf8)
                return true
            }
        case .regtype:
            try need(1...1)
            return args[0]
        case .regtypeNames:
            try need(1...1)
            let oids = args[0]
            return CompiledNode(type: .array(.varchar), children: [oids]) { input throws(SQLError) in
                let column = try oids.run(input)
                var out = Column(type: .array(.varchar), capacity: input.count)
                for i in 0..<input.count {
                    guard !column.isNull(i) else {
                        out.appendNull()
                        continue
                    }
                    // An oidvector's text (`23 25`) or an oid[]'s (`{23,25}`).
                    let names = column.strings[i].split { $0 == " " || $0 == "," || $0 == "{" || $0 == "}" }.map { oid in
                        Value.string(Int64(oid).flatMap { PGTypeCatalog.formatType(oid: $0, modifier: -1) } ?? "???")
                    }
                    out.append(.array(names))
                }
                return out
            }
        case .sizePretty:
            try need(1...1)
            return text(args) { cols, i, out in
                out.append(contentsOf: sizePretty(cols[0].ints[i]).utf8)
                return true
            }
        case .position:
            // Flink's LOCATE: the search starts at character `from` (1 when it is below 1); the
            // empty string is found at 1 wherever the search starts.
            try need(2...3)
            return number(args, type) { cols, i in
                cols[0].strings.withBytes(i) { needle in
                    cols[1].strings.withBytes(i) { haystack in
                        if needle.isEmpty { return 1 }
                        let from = cols.count > 2 ? max(cols[2].ints[i], 1) - 1 : 0
                        guard let start = byteOffset(ofCharacter: from, in: haystack),
                            let at = find(needle, in: haystack, from: start)
                        else { return 0 }
                        return Int64(characterCount(UnsafeBufferPointer(rebasing: haystack[0..<at])) + 1)
                    }
                }
            }
        default:
            throw SQLError.internal("\(function) is not a string function")
        }
    }

    // MARK: Kernel shapes

    /// A VARCHAR result built row by row; `row` returns false for NULL.
    static func text(_ args: [CompiledNode], _ row: @escaping @Sendable ([Column], Int, inout [UInt8]) -> Bool) -> CompiledNode {
        CompiledNode(type: .varchar, children: args) { input throws(SQLError) in
            let cols = try args.map { arg throws(SQLError) in try arg.run(input) }
            let n = input.count
            var validity = Validity.and(cols.map(\.validity))
            var out = ByteColumn()
            out.reserveCapacity(rows: n, bytes: cols.first.map { $0.strings.bytes.count } ?? 0)
            var nulls: [Int] = []
            for i in 0..<n {
                if validity?.isValid(i) ?? true, !row(cols, i, &out.bytes) { nulls.append(i) }
                out.offsets.append(out.bytes.count)
            }
            if !nulls.isEmpty { validity = Validity.clearing(nulls, in: validity, count: n) }
            return Column(strings: out, validity: validity)
        }
    }

    /// A BIGINT/INT result computed row by row.
    static func number(_ args: [CompiledNode], _ type: SQLType, _ row: @escaping @Sendable ([Column], Int) -> Int64) -> CompiledNode {
        CompiledNode(type: type.physical == .int64 ? type : .bigint, children: args) { input throws(SQLError) in
            let cols = try args.map { arg throws(SQLError) in try arg.run(input) }
            let validity = Validity.and(cols.map(\.validity))
            let values = (0..<input.count).map { i in validity?.isValid(i) ?? true ? row(cols, i) : 0 }
            return Column(ints: values, kind: .int64, validity: validity)
        }
    }

    // MARK: Case

    static func changeCase(_ x: CompiledNode, upper: Bool) -> CompiledNode {
        CompiledNode(type: .varchar, children: [x]) { input throws(SQLError) in
            let column = try x.run(input)
            let (from, to): (UInt8, UInt8) = upper ? (97, 122) : (65, 90)
            if column.strings.bytes.allSatisfy({ $0 < 0x80 }) {
                // All ASCII: map the byte buffer in one pass and keep the offsets.
                var strings = column.strings
                strings.bytes = column.strings.bytes.map { $0 >= from && $0 <= to ? $0 ^ 0x20 : $0 }
                return Column(strings: strings, validity: column.validity)
            }
            var out = ByteColumn()
            for i in 0..<column.count {
                let value = column.strings[i]
                out.append(upper ? value.uppercased() : value.lowercased())
            }
            return Column(strings: out, validity: column.validity)
        }
    }

    // MARK: Row helpers

    static func trim(_ value: UnsafeBufferPointer<UInt8>, _ characters: [Unicode.Scalar], leading: Bool, trailing: Bool) -> UnsafeBufferPointer<UInt8> {
        if characters == [" "] {
            var start = 0, end = value.count
            if leading { while start < end, value[start] == 32 { start += 1 } }
            if trailing { while end > start, value[end - 1] == 32 { end -= 1 } }
            return UnsafeBufferPointer(rebasing: value[start..<end])
        }
        let scalars = Array(String(decoding: value, as: UTF8.self).unicodeScalars)
        var start = 0, end = scalars.count
        if leading { while start < end, characters.contains(scalars[start]) { start += 1 } }
        if trailing { while end > start, characters.contains(scalars[end - 1]) { end -= 1 } }
        // Byte offsets of the kept scalars.
        let startByte = scalars[0..<start].reduce(0) { $0 + UTF8.width($1) }
        let endByte = startByte + scalars[start..<end].reduce(0) { $0 + UTF8.width($1) }
        return UnsafeBufferPointer(rebasing: value[startByte..<endByte])
    }

    /// SQL SUBSTRING: 1-based; a start ≤ 0 counts from the end when negative (as Flink);
    /// a negative length gives NULL.
    static func substring(_ value: UnsafeBufferPointer<UInt8>, start: Int64, length: Int64?, to out: inout [UInt8]) -> Bool {
        if let length, length < 0 { return false }
        let count = Int64(characterCount(value))
        let first = start > 0 ? start - 1 : (start < 0 ? max(0, count + start) : 0)
        let last = length.map { first + $0 } ?? count
        guard first < count, last > first else { return true }
        var index: Int64 = 0
        var byte = 0
        var begin = value.count
        while byte < value.count {
            if index == first { begin = byte }
            if index == last { break }
            byte += characterLength(value[byte])
            index += 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[begin..<min(byte, value.count)]))
        return true
    }

    /// The `index`-th (0-based) field of `value` split on `separator`; NULL when out of range.
    static func splitIndex(_ value: UnsafeBufferPointer<UInt8>, _ separator: UnsafeBufferPointer<UInt8>, _ index: Int64, to out: inout [UInt8]) -> Bool {
        guard index >= 0 else { return false }
        if separator.isEmpty {
            guard index == 0 else { return false }
            out.append(contentsOf: value)
            return true
        }
        var start = 0
        var field: Int64 = 0
        while true {
            let end = find(separator, in: value, from: start)
            if field == index {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start..<(end ?? value.count)]))
                return true
            }
            guard let end else { return false }
            start = end + separator.count
            field += 1
        }
    }

    static func replace(_ value: UnsafeBufferPointer<UInt8>, _ search: UnsafeBufferPointer<UInt8>, _ replacement: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard !search.isEmpty else {
            out.append(contentsOf: value)
            return
        }
        var start = 0
        while let at = find(search, in: value, from: start) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start..<at]))
            out.append(contentsOf: replacement)
            start = at + search.count
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start...]))
    }

    /// The byte offset where character `index` (0-based) starts; nil past the end.
    static func byteOffset(ofCharacter index: Int64, in value: UnsafeBufferPointer<UInt8>) -> Int? {
        var byte = 0
        var remaining = index
        while remaining > 0 {
            guard byte < value.count else { return nil }
            byte += characterLength(value[byte])
            remaining -= 1
        }
        return byte <= value.count ? byte : nil
    }

    /// Byte offset of the first occurrence of `needle` at or after `from`.
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard !needle.isEmpty else { return from <= haystack.count ? from : nil }
        guard haystack.count >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == first, bytesEqual(UnsafeBufferPointer(rebasing: haystack[i..<(i + needle.count)]), needle) { return i }
            i += 1
        }
        return nil
    }

    /// Postgres' `pg_size_pretty`: bytes below 10 kB, else the largest unit that keeps the
    /// number below 10240 (20480 half-units), rounded half away from zero.
    static func sizePretty(_ bytes: Int64) -> String {
        if abs(bytes) < 10 * 1024 { return "\(bytes) bytes" }
        // One extra bit kept for rounding.
        var size = bytes >> 9
        for unit in ["kB", "MB", "GB", "TB"] {
            if abs(size) < 20 * 1024 - 1 {
                return "\((size + (size < 0 ? -1 : 1)) / 2) \(unit)"
            }
            size >>= 10
        }
        return "\((size + (size < 0 ? -1 : 1)) / 2) PB"
    }
}
