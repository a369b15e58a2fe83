/// A SQL LIKE pattern compiled once: `%` matches any sequence of characters, `_` exactly one
/// character (a whole UTF-8 code point), and the escape character makes the next one literal.
/// Common shapes (`abc`, `abc%`, `%abc`, `%abc%`) match with one byte comparison or search.
struct LikePattern: Sendable {
    enum Token: Sendable, Equatable {
        case literal([UInt8])
        case anyOne
        case anySequence
    }

    enum Shape: Sendable {
        case exact([UInt8])
        case prefix([UInt8])
        case suffix([UInt8])
        case contains([UInt8])
        case general
    }

    let tokens: [Token]
    let shape: Shape

    /// nil when the pattern ends in a lone escape character (a malformed pattern).
    init?(_ pattern: UnsafeBufferPointer<UInt8>, escape: UInt8? = nil) {
        var tokens: [Token] = []
        var literal: [UInt8] = []
        func flush() {
            if !literal.isEmpty { tokens.append(.literal(literal)) }
            literal = []
        }
        var i = 0
        while i < pattern.count {
            let c = pattern[i]
            if let escape, c == escape {
                guard i + 1 < pattern.count else { return nil }
                literal.append(pattern[i + 1])
                i += 2
                continue
            }
            switch c {
            case 37:  // %
                flush()
                if tokens.last != .anySequence { tokens.append(.anySequence) }
            case 95:  // _
                flush()
                tokens.append(.anyOne)
            default:
                literal.append(c)
            }
            i += 1
        }
        flush()
        self.tokens = tokens
        switch tokens.count {
        case 0: shape = .exact([])
        case 1:
            if case .literal(let l) = tokens[0] { shape = .exact(l) } else { shape = .general }
        case 2:
            if case .literal(let l) = tokens[0], tokens[1] == .anySequence {
                shape = .prefix(l)
            } else if case .literal(let l) = tokens[1], tokens[0] == .anySequence {
                shape = .suffix(l)
            } else {
                shape = .general
            }
        case 3:
            if tokens[0] == .anySequence, tokens[2] == .anySequence, case .literal(let l) = tokens[1] {
                shape = .contains(l)
            } else {
                shape = .general
            }
        default: shape = .general
        }
    }

    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch shape {
        case .exact(let l): return l.withUnsafeBufferPointer { bytesEqual(text, $0) }
        case .prefix(let l):
            return text.count >= l.count && l.withUnsafeBufferPointer { bytesEqual(UnsafeBufferPointer(rebasing: text[0..<l.count]), $0) }
        case .suffix(let l):
            return text.count >= l.count
                && l.withUnsafeBufferPointer { bytesEqual(UnsafeBufferPointer(rebasing: text[(text.count - l.count)...]), $0) }
        case .contains(let l):
            return l.withUnsafeBufferPointer { StringFunctions.find($0, in: text, from: 0) != nil }
        case .general:
            return matchGeneral(text)
        }
    }

    /// Greedy matching with backtracking to the last `%`, linear for typical patterns.
    private func matchGeneral(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var t = 0, p = 0
        var starToken = -1, starText = 0
        while t < text.count || p < tokens.count {
            if p < tokens.count {
                switch tokens[p] {
                case .anySequence:
                    starToken = p
                    starText = t
                    p += 1
                    continue
                case .anyOne:
                    if t < text.count {
                        t += characterLength(text[t])
                        p += 1
                        continue
                    }
                case .literal(let l):
                    if t + l.count <= text.count,
                        l.withUnsafeBufferPointer({ bytesEqual(UnsafeBufferPointer(rebasing: text[t..<(t + l.count)]), $0) })
                    {
                        t += l.count
                        p += 1
                        continue
                    }
                }
            }
            // Mismatch: let the last % swallow one more character, or fail.
            guard starToken >= 0, starText < text.count else { return false }
            starText += characterLength(text[starText])
            t = starText
            p = starToken + 1
        }
        return true
    }
}
