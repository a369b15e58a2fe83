/// A regular expression over ASCII, matched on UTF-8 bytes by a backtracking machine that makes
/// the choices java.util.regex makes (alternatives left to right, greedy quantifiers longest
/// first, lazy ones shortest first, the last iteration's captures kept), so the regex functions
/// Flink and ksqlDB inherit from Java give Java's answers without a String per row.
///
/// `init` returns nil for what it does not cover — a byte past ASCII, lookaround, back
/// references, possessive quantifiers, inline flags, named groups, nested or intersected classes,
/// `\p{...}`, `\Q...\E`, and a repeated part that can match nothing — and `firstMatch` returns
/// nil for input past ASCII or a search past its step budget: the caller then asks Swift's Regex.
struct ByteRegex: Sendable {
    /// 256 bits: the bytes a class accepts.
    struct ByteSet: Sendable, Equatable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        static func == (a: ByteSet, b: ByteSet) -> Bool { a.words == b.words }

        @inline(__always)
        func contains(_ byte: UInt8) -> Bool {
            let bit = UInt64(1) << UInt64(byte & 63)
            switch byte >> 6 {
            case 0: return words.0 & bit != 0
            case 1: return words.1 & bit != 0
            case 2: return words.2 & bit != 0
            default: return words.3 & bit != 0
            }
        }

        mutating func insert(_ byte: UInt8) {
            let bit = UInt64(1) << UInt64(byte & 63)
            switch byte >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }

        mutating func insert(_ range: ClosedRange<UInt8>) { for byte in range { insert(byte) } }

        mutating func formUnion(_ other: ByteSet) {
            words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
        }

        /// The ASCII bytes not in the set (input past ASCII never reaches the machine).
        var inverted: ByteSet {
            ByteSet(words: (~words.0, ~words.1, 0, 0))
        }

        static let digits: ByteSet = { var set = ByteSet(); set.insert(UInt8(ascii: "0")...UInt8(ascii: "9")); return set }()
        static let word: ByteSet = {
            var set = digits
            set.insert(UInt8(ascii: "a")...UInt8(ascii: "z"))
            set.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
            set.insert(UInt8(ascii: "_"))
            return set
        }()
        /// Java's `\s`: space, \t, \n, \x0B, \f, \r.
        static let space: ByteSet = { var set = ByteSet(); for byte: UInt8 in [32, 9, 10, 11, 12, 13] { set.insert(byte) }; return set }()
        /// Java's `.`: anything but a line terminator.
        static let dot: ByteSet = { var set = ByteSet(); set.insert(0...127); return ByteSet(words: (set.words.0 & ~(1 << 10 | 1 << 13), set.words.1, 0, 0)) }()
    }

    private indirect enum Node {
        case byte(UInt8)
        case set(ByteSet)
        case start
        case end
        case wordBoundary(Bool)
        case group(Int, Node)
        case sequence([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int?, greedy: Bool)

        var matchesEmpty: Bool {
            switch self {
            case .byte, .set: return false
            case .start, .end, .wordBoundary: return true
            case .group(_, let body): return body.matchesEmpty
            case .sequence(let items): return items.allSatisfy(\.matchesEmpty)
            case .alternation(let options): return options.contains(where: \.matchesEmpty)
            case .repetition(let body, let min, _, _): return min == 0 || body.matchesEmpty
            }
        }
    }

    private enum Instruction: Sendable {
        case byte(UInt8)
        case set(ByteSet)
        /// Try the first address, and the second when that fails.
        case split(Int, Int)
        case jump(Int)
        case save(Int)
        case start
        case end
        case wordBoundary(Bool)
        case match
    }

    /// Where a match can begin: at a byte of `bytes`, or at the start when `atStart`.
    private struct Lead {
        var bytes = ByteSet()
        var atStart = false
    }

    private let program: [Instruction]
    /// nil when a match may begin anywhere (it can match nothing, or begins with `$` or `\b`).
    private let lead: Lead?
    /// Capturing groups, group 0 (the whole match) not counted.
    let groupCount: Int
    /// Bytes every match contains: a row without them is passed over.
    private let required: [UInt8]

    private static let programLimit = 10_000
    private static let stepBudget = 1_000_000

    init?(_ pattern: String) {
        var parser = Parser(bytes: Array(pattern.utf8))
        guard let tree = parser.parse() else { return nil }
        var program: [Instruction] = [.save(0)]
        guard Self.emit(tree, into: &program) else { return nil }
        program += [.save(1), .match]
        self.program = program
        groupCount = parser.groups
        required = Self.requiredBytes(tree)
        lead = Self.lead(tree)
    }

    private static func lead(_ node: Node) -> Lead? {
        switch node {
        case .byte(let byte):
            var lead = Lead()
            lead.bytes.insert(byte)
            return lead
        case .set(let set): return Lead(bytes: set)
        case .start: return Lead(atStart: true)
        case .end, .wordBoundary: return nil
        case .group(_, let body): return lead(body)
        case .sequence(let items): return items.first.flatMap(lead)
        case .alternation(let options):
            var union = Lead()
            for option in options {
                guard let part = lead(option) else { return nil }
                union.bytes.formUnion(part.bytes)
                union.atStart = union.atStart || part.atStart
            }
            return union
        case .repetition(let body, let min, _, _): return min == 0 ? nil : lead(body)
        }
    }

    /// The capture offsets (start, end per group, -1 when the group took no part) of the first
    /// match; `[]` when there is none; nil when this machine cannot tell.
    func firstMatch(in text: UnsafeBufferPointer<UInt8>) -> [Int]? {
        guard Self.isASCII(text) else { return nil }
        return search(text, from: 0)
    }

    private static func isASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in text where byte >= 0x80 { return false }
        return true
    }

    private func search(_ text: UnsafeBufferPointer<UInt8>, from: Int) -> [Int]? {
        if !required.isEmpty, !Self.contains(text, required, from: from) { return [] }
        var captures = [Int](repeating: -1, count: 2 * (groupCount + 1))
        var stack: [Backtrack] = []
        var steps = 0
        for start in from...text.count {
            if let lead, !(lead.atStart && start == 0), !(start < text.count && lead.bytes.contains(text[start])) { continue }
            switch run(text, at: start, captures: &captures, stack: &stack, steps: &steps) {
            case true?: return captures
            case false?: continue
            case nil: return nil
            }
        }
        return []
    }

    /// Every match replaced by `replacement` as it is, searching on as Java's `Matcher.find`
    /// does (after an empty match, one byte further); nil when this machine cannot tell.
    func replacingAll(in text: UnsafeBufferPointer<UInt8>, with replacement: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard Self.isASCII(text) else { return nil }
        var out: [UInt8] = []
        var copied = 0
        var from = 0
        while from <= text.count {
            guard let captures = search(text, from: from) else { return nil }
            guard !captures.isEmpty else { break }
            let (start, end) = (captures[0], captures[1])
            out.append(contentsOf: text[copied..<start])
            out.append(contentsOf: replacement)
            copied = end
            from = end == start ? end + 1 : end
        }
        out.append(contentsOf: text[copied...])
        return out
    }

    private enum Backtrack {
        case retry(pc: Int, at: Int)
        case restore(slot: Int, value: Int)
    }

    /// Runs the program anchored at `start`; nil past the step budget.
    private func run(
        _ text: UnsafeBufferPointer<UInt8>, at start: Int, captures: inout [Int], stack: inout [Backtrack], steps: inout Int
    ) -> Bool? {
        stack.removeAll(keepingCapacity: true)
        var pc = 0
        var at = start
        let count = text.count
        while true {
            steps += 1
            if steps > Self.stepBudget { return nil }
            var failed = false
            switch program[pc] {
            case .byte(let byte):
                if at < count, text[at] == byte { pc += 1; at += 1 } else { failed = true }
            case .set(let set):
                if at < count, set.contains(text[at]) { pc += 1; at += 1 } else { failed = true }
            case .split(let first, let second):
                stack.append(.retry(pc: second, at: at))
                pc = first
            case .jump(let target):
                pc = target
            case .save(let slot):
                stack.append(.restore(slot: slot, value: captures[slot]))
                captures[slot] = at
                pc += 1
            case .start:
                if at == 0 { pc += 1 } else { failed = true }
            case .end:
                if Self.atEnd(text, at) { pc += 1 } else { failed = true }
            case .wordBoundary(let wanted):
                let before = at > 0 && ByteSet.word.contains(text[at - 1])
                let after = at < count && ByteSet.word.contains(text[at])
                if (before != after) == wanted { pc += 1 } else { failed = true }
            case .match:
                return true
            }
            guard failed else { continue }
            var resumed = false
            while let entry = stack.popLast() {
                switch entry {
                case .restore(let slot, let value):
                    captures[slot] = value
                case .retry(let target, let position):
                    pc = target
                    at = position
                    resumed = true
                }
                if resumed { break }
            }
            if !resumed { return false }
        }
    }

    /// Java's `$` without MULTILINE: the end of input, or before a line terminator ending it.
    private static func atEnd(_ text: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
        let count = text.count
        if at == count { return true }
        if at == count - 1 {
            let byte = text[at]
            if byte == 13 { return true }
            return byte == 10 && !(at > 0 && text[at - 1] == 13)
        }
        return at == count - 2 && text[at] == 13 && text[at + 1] == 10
    }

    private static func contains(_ text: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], from: Int) -> Bool {
        guard text.count - from >= needle.count else { return false }
        let first = needle[0]
        var i = from
        let last = text.count - needle.count
        while i <= last {
            if text[i] == first {
                var j = 1
                while j < needle.count, text[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    /// The longest run of bytes a sequence at the top of the pattern always matches in a row.
    private static func requiredBytes(_ tree: Node) -> [UInt8] {
        let items: [Node]
        switch tree {
        case .sequence(let nodes): items = nodes
        case .byte: items = [tree]
        default: return []
        }
        var best: [UInt8] = []
        var run: [UInt8] = []
        for item in items {
            if case .byte(let byte) = item {
                run.append(byte)
                if run.count > best.count { best = run }
            } else {
                run = []
            }
        }
        return best
    }

    /// Appends the instructions of `node`; false when the program grows past its limit.
    private static func emit(_ node: Node, into program: inout [Instruction]) -> Bool {
        guard program.count < programLimit else { return false }
        switch node {
        case .byte(let byte): program.append(.byte(byte))
        case .set(let set): program.append(.set(set))
        case .start: program.append(.start)
        case .end: program.append(.end)
        case .wordBoundary(let wanted): program.append(.wordBoundary(wanted))
        case .group(let index, let body):
            program.append(.save(2 * index))
            guard emit(body, into: &program) else { return false }
            program.append(.save(2 * index + 1))
        case .sequence(let items):
            for item in items { guard emit(item, into: &program) else { return false } }
        case .alternation(let options):
            // split L1, next; L1: option; jump end; next: split L2, ... ; last option
            var jumps: [Int] = []
            for (i, option) in options.enumerated() {
                if i < options.count - 1 {
                    let split = program.count
                    program.append(.split(split + 1, 0))
                    guard emit(option, into: &program) else { return false }
                    jumps.append(program.count)
                    program.append(.jump(0))
                    program[split] = .split(split + 1, program.count)
                } else {
                    guard emit(option, into: &program) else { return false }
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repetition(let body, let min, let max, let greedy):
            for _ in 0..<min { guard emit(body, into: &program) else { return false } }
            if let max {
                // Each optional copy may be skipped, which skips the ones after it too.
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(program.count)
                    program.append(.split(0, 0))
                    guard emit(body, into: &program) else { return false }
                }
                let end = program.count
                for split in splits { program[split] = greedy ? .split(split + 1, end) : .split(end, split + 1) }
            } else {
                let loop = program.count
                program.append(.split(0, 0))
                guard emit(body, into: &program) else { return false }
                program.append(.jump(loop))
                let end = program.count
                program[loop] = greedy ? .split(loop + 1, end) : .split(end, loop + 1)
            }
        }
        return program.count < programLimit
    }

    /// Java's pattern syntax, the part this machine runs.
    private struct Parser {
        let bytes: [UInt8]
        var at = 0
        var groups = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func parse() -> Node? {
            guard bytes.allSatisfy({ $0 < 0x80 }), let node = alternation(), at == bytes.count else { return nil }
            return node
        }

        private var next: UInt8? { at < bytes.count ? bytes[at] : nil }

        private mutating func alternation() -> Node? {
            var options: [Node] = []
            while true {
                guard let option = sequence() else { return nil }
                options.append(option)
                guard next == UInt8(ascii: "|") else { break }
                at += 1
            }
            return options.count == 1 ? options[0] : .alternation(options)
        }

        private mutating func sequence() -> Node? {
            var items: [Node] = []
            while let byte = next, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
                guard let atom = atom(), let item = quantified(atom) else { return nil }
                items.append(item)
            }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        private mutating func quantified(_ node: Node) -> Node? {
            guard let byte = next else { return node }
            let min: Int
            var max: Int?
            switch byte {
            case UInt8(ascii: "*"): (min, max) = (0, nil); at += 1
            case UInt8(ascii: "+"): (min, max) = (1, nil); at += 1
            case UInt8(ascii: "?"): (min, max) = (0, 1); at += 1
            case UInt8(ascii: "{"):
                guard let bounds = counts() else { return nil }
                (min, max) = bounds
            default:
                return node
            }
            var greedy = true
            if next == UInt8(ascii: "?") {
                greedy = false
                at += 1
            }
            // Possessive quantifiers, and a quantifier on a quantifier, are left to Swift's Regex.
            if let byte = next, [UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "{")].contains(byte) { return nil }
            if let max, max < min { return nil }
            // A part that can match nothing, repeated without bound, needs Java's progress check.
            if max == nil, node.matchesEmpty { return nil }
            switch node {
            case .start, .end, .wordBoundary: return nil
            default: return .repetition(node, min: min, max: max, greedy: greedy)
            }
        }

        /// `{n}`, `{n,}` or `{n,m}`.
        private mutating func counts() -> (Int, Int?)? {
            at += 1
            guard let min = number() else { return nil }
            var max: Int? = min
            if next == UInt8(ascii: ",") {
                at += 1
                max = next == UInt8(ascii: "}") ? nil : number()
                if max == nil, next != UInt8(ascii: "}") { return nil }
            }
            guard next == UInt8(ascii: "}"), min <= 1000, (max ?? 0) <= 1000 else { return nil }
            at += 1
            return (min, max)
        }

        private mutating func number() -> Int? {
            var value = 0
            var digits = 0
            while let byte = next, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 5 {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                at += 1
            }
            return digits == 0 ? nil : value
        }

        private mutating func atom() -> Node? {
            guard let byte = next else { return nil }
            at += 1
            switch byte {
            case UInt8(ascii: "("):
                var index: Int?
                if next == UInt8(ascii: "?") {
                    guard at + 1 < bytes.count, bytes[at + 1] == UInt8(ascii: ":") else { return nil }
                    at += 2
                } else {
                    groups += 1
                    index = groups
                }
                guard let body = alternation(), next == UInt8(ascii: ")") else { return nil }
                at += 1
                return index.map { .group($0, body) } ?? body
            case UInt8(ascii: "["): return characterClass()
            case UInt8(ascii: "."): return .set(.dot)
            case UInt8(ascii: "^"): return .start
            case UInt8(ascii: "$"): return .end
            case UInt8(ascii: "\\"):
                guard let escaped = next else { return nil }
                at += 1
                switch escaped {
                case UInt8(ascii: "b"): return .wordBoundary(true)
                case UInt8(ascii: "B"): return .wordBoundary(false)
                default: return escape(escaped).map { .set($0) }
                }
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"), UInt8(ascii: ")"):
                return nil
            default:
                return .byte(byte)
            }
        }

        /// The bytes `\c` stands for, in or out of a class.
        private func escape(_ byte: UInt8) -> ByteSet? {
            var set = ByteSet()
            switch byte {
            case UInt8(ascii: "d"): return .digits
            case UInt8(ascii: "D"): return ByteSet.digits.inverted
            case UInt8(ascii: "w"): return .word
            case UInt8(ascii: "W"): return ByteSet.word.inverted
            case UInt8(ascii: "s"): return .space
            case UInt8(ascii: "S"): return ByteSet.space.inverted
            case UInt8(ascii: "t"): set.insert(9)
            case UInt8(ascii: "n"): set.insert(10)
            case UInt8(ascii: "r"): set.insert(13)
            case UInt8(ascii: "f"): set.insert(12)
            case UInt8(ascii: "a"): set.insert(7)
            case UInt8(ascii: "e"): set.insert(27)
            default:
                // Escaped punctuation stands for itself; escaped letters and digits mean
                // something this machine does not run (or are errors in Java).
                let isAlphanumeric = ByteSet.word.contains(byte) && byte != UInt8(ascii: "_")
                guard !isAlphanumeric else { return nil }
                set.insert(byte)
            }
            return set
        }

        private mutating func characterClass() -> Node? {
            var set = ByteSet()
            var negated = false
            if next == UInt8(ascii: "^") {
                negated = true
                at += 1
            }
            // `[]...]` and `[^]...]`: Java reads the `]` differently; left to Swift's Regex.
            guard next != UInt8(ascii: "]") else { return nil }
            while let byte = next, byte != UInt8(ascii: "]") {
                at += 1
                var low: UInt8
                switch byte {
                case UInt8(ascii: "["): return nil  // a nested class
                case UInt8(ascii: "&") where next == UInt8(ascii: "&"): return nil  // an intersection
                case UInt8(ascii: "\\"):
                    guard let escaped = next, let members = escape(escaped) else { return nil }
                    at += 1
                    if let single = Self.single(members) {
                        low = single
                    } else {
                        set.formUnion(members)
                        continue
                    }
                default:
                    low = byte
                }
                if next == UInt8(ascii: "-"), at + 1 < bytes.count, bytes[at + 1] != UInt8(ascii: "]") {
                    at += 1
                    guard var high = next else { return nil }
                    at += 1
                    if high == UInt8(ascii: "\\") {
                        guard let escaped = next, let members = escape(escaped), let single = Self.single(members) else { return nil }
                        at += 1
                        high = single
                    } else if high == UInt8(ascii: "[") {
                        return nil
                    }
                    guard low <= high else { return nil }
                    set.insert(low...high)
                } else {
                    set.insert(low)
                }
            }
            guard next == UInt8(ascii: "]") else { return nil }
            at += 1
            return .set(negated ? set.inverted : set)
        }

        private static func single(_ set: ByteSet) -> UInt8? {
            var found: UInt8?
            for byte in UInt8(0)...127 where set.contains(byte) {
                if found != nil { return nil }
                found = byte
            }
            return found
        }
    }
}
