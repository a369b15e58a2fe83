/// Postgres' text form of an array, `{1,2,NULL}`, as pgwire sends it and the Postgres sink
/// writes it: elements double-quoted when empty, `NULL`-like or holding a delimiter, quote,
/// backslash or space; nested arrays appear bare (`{{1,2},{3,4}}`).
public enum PostgresArrayText {
    /// `elementText` gives an element's text, nil for NULL.
    public static func text(_ elements: [Value], elementText: (Value) -> String?) -> String {
        var out = "{"
        for (i, element) in elements.enumerated() {
            if i > 0 { out += "," }
            guard let text = elementText(element) else {
                out += "NULL"
                continue
            }
            if case .array = element {
                out += text
                continue
            }
            let special = text.isEmpty || text.uppercased() == "NULL"
                || text.contains { "{},\"\\ \t\n".contains($0) }
            guard special else {
                out += text
                continue
            }
            out += "\""
            for c in text {
                if c == "\"" || c == "\\" { out += "\\" }
                out.append(c)
            }
            out += "\""
        }
        return out + "}"
    }
}
