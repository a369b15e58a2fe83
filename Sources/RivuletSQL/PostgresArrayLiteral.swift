/// Postgres' text form of a one-dimensional array, `{a,"b c",NULL}`, as clients send array
/// parameters and as `current_schemas(true)` answers.
public enum PostgresArrayLiteral {
    /// The elements, unquoted (a bare `NULL` is left out); nil when `text` is not an array.
    public static func elements(of text: String) -> [String]? {
        let characters = Array(text.trimmingPrefixAndSuffixSpaces)
        guard characters.first == "{", characters.last == "}" else { return nil }
        var elements: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var index = 1
        while index < characters.count - 1 {
            let c = characters[index]
            if quoted {
                if c == "\\", index + 1 < characters.count - 1 {
                    index += 1
                    current.append(characters[index])
                } else if c == "\"" {
                    quoted = false
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
                wasQuoted = true
            } else if c == "," {
                if wasQuoted || current.uppercased() != "NULL" { elements.append(current) }
                current = ""
                wasQuoted = false
            } else if !c.isWhitespace {
                current.append(c)
            }
            index += 1
        }
        if characters.count > 2 {
            if wasQuoted || current.uppercased() != "NULL" { elements.append(current) }
        }
        return elements
    }
}

extension String {
    fileprivate var trimmingPrefixAndSuffixSpaces: Substring {
        var text = self[...]
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
