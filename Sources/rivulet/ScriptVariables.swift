import RivuletCore

/// `${NAME}` in a script: replaced by the value `-D NAME=VALUE` or the environment gives it.
/// A name with no value is an error at its place in the script, unless it is inside a comment
/// (a commented-out line keeps whatever it says).
struct ScriptVariables {
    var values: [String: String]

    /// The script with every `${NAME}` replaced. Throws 42704 naming the first undefined
    /// variable outside comments, located in `text`.
    func substitute(_ text: String) throws(SQLError) -> String {
        var result = ""
        var line = 1
        var column = 1
        var offset = 0
        var index = text.startIndex
        var inString = false
        var inLineComment = false
        var inBlockComment = false
        func advance(_ character: Character) {
            offset += 1
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            let following = next < text.endIndex ? text[next] : nil
            if character == "$", following == "{", let close = text[next...].firstIndex(of: "}") {
                let name = String(text[text.index(after: next)..<close])
                if Self.isName(name) {
                    if let value = values[name] {
                        result += value
                    } else if inLineComment || inBlockComment {
                        result += text[index...close]
                    } else {
                        let start = SourceLocation(line: line, column: column, offset: offset)
                        let length = name.count + 3
                        let end = SourceLocation(line: line, column: column + length, offset: offset + length)
                        throw SQLError(
                            .undefinedObject, "undefined variable '${\(name)}'", at: SourceSpan(start: start, end: end),
                            hint: "give it a value with -D \(name)=VALUE or the environment variable \(name)")
                    }
                    for skipped in text[index...close] { advance(skipped) }
                    index = text.index(after: close)
                    continue
                }
            }
            if inLineComment {
                if character == "\n" { inLineComment = false }
            } else if inBlockComment {
                if character == "*", following == "/" { inBlockComment = false }
            } else if inString {
                if character == "'" { inString = false }
            } else if character == "'" {
                inString = true
            } else if character == "-", following == "-" {
                inLineComment = true
            } else if character == "/", following == "*" {
                inBlockComment = true
            }
            result.append(character)
            advance(character)
            index = next
        }
        return result
    }

    private static func isName(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    }
}
