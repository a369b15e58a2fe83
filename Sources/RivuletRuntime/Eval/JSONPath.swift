import Foundation
import RivuletCore

/// An SQL/JSON path (`$.a.b[0]`, `lax $.items[*].id`, `strict $['a b']`) as Flink reads it: a
/// mode and steps from the root. A member step selects from an object only and an index step
/// from an array only; `[*]` and `.*` select every element or member, which makes the path
/// indefinite (its result a list). What a step does not find is no match in lax mode, an error
/// in strict mode; a path that names no mode is strict, as Flink reads it.
struct JSONPath: Equatable {
    enum Step: Equatable {
        case member(String)
        case anyMember
        case index(Int)
        case anyIndex
    }

    var strict = true
    var steps: [Step] = []

    struct SyntaxError: Error {
        var message: String
    }

    init(_ text: String) throws(SyntaxError) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        for (word, isStrict) in [("lax ", false), ("strict ", true)] where rest.lowercased().hasPrefix(word) {
            strict = isStrict
            rest = rest.dropFirst(word.count).drop { $0 == " " }
        }
        guard rest.first == "$" else { throw SyntaxError(message: "a JSON path starts with $, not '\(text)'") }
        rest = rest.dropFirst()
        while let next = rest.first {
            if next == "." {
                rest = rest.dropFirst()
                if rest.first == "*" {
                    rest = rest.dropFirst()
                    steps.append(.anyMember)
                    continue
                }
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    guard let end = rest.firstIndex(of: "\"") else { throw SyntaxError(message: "unterminated name in '\(text)'") }
                    steps.append(.member(String(rest[..<end])))
                    rest = rest[rest.index(after: end)...]
                    continue
                }
                let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }
                guard !name.isEmpty else { throw SyntaxError(message: "a member name is missing after '.' in '\(text)'") }
                steps.append(.member(String(name)))
                rest = rest.dropFirst(name.count)
            } else if next == "[" {
                rest = rest.dropFirst()
                guard let end = rest.firstIndex(of: "]") else { throw SyntaxError(message: "unterminated [ in '\(text)'") }
                let inside = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[rest.index(after: end)...]
                if inside == "*" {
                    steps.append(.anyIndex)
                } else if let index = Int(inside), index >= 0 {
                    steps.append(.index(index))
                } else if inside.count >= 2, let quote = inside.first, quote == "'" || quote == "\"", inside.last == quote {
                    steps.append(.member(String(inside.dropFirst().dropLast())))
                } else {
                    throw SyntaxError(message: "'[\(inside)]' is not an array index, [*] or a quoted name in '\(text)'")
                }
            } else if next == " " {
                rest = rest.dropFirst()
            } else {
                throw SyntaxError(message: "unexpected '\(next)' in the JSON path '\(text)'")
            }
        }
    }

    /// Whether the path can select several items (it has a `[*]` or `.*` step).
    var isIndefinite: Bool { steps.contains { $0 == .anyIndex || $0 == .anyMember } }

    /// The items the path selects in `root`; nil when a strict step does not fit.
    func select(in root: JSONNode) -> [JSONNode]? {
        var items = [root]
        for step in steps {
            var next: [JSONNode] = []
            for item in items {
                switch (step, item) {
                case (.member(let name), .object(let members)):
                    if let member = members.last(where: { $0.0 == name }) {
                        next.append(member.1)
                    } else if strict {
                        return nil
                    }
                case (.anyMember, .object(let members)):
                    next += members.map(\.1)
                case (.index(let i), .array(let elements)):
                    if i < elements.count {
                        next.append(elements[i])
                    } else if strict {
                        return nil
                    }
                case (.anyIndex, .array(let elements)):
                    next += elements
                default:
                    if strict { return nil }
                }
            }
            items = next
        }
        return items
    }
}
