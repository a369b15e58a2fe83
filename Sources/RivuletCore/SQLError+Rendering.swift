extension SQLError {
    /// The error as the shell and `rivulet run` print it: the summary line, the offending source
    /// line with carets under the span, then the hint and notes.
    ///
    ///     ERROR 42601: expected FROM, found FORM (line 1, column 10)
    ///     SELECT a FORM t
    ///              ^^^^
    ///     hint: did you mean FROM?
    public func rendered(source: String?, fileName: String? = nil) -> String {
        var lines: [String] = []
        var head = "ERROR \(state.code): \(message)"
        if let span {
            let place = fileName.map { "\($0): " } ?? ""
            head += " (\(place)\(span.start))"
        }
        lines.append(head)
        if let span, let source {
            let sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false)
            let index = span.start.line - 1
            if index >= 0, index < sourceLines.count {
                let line = String(sourceLines[index]).replacingTabs()
                lines.append(line)
                let startColumn = max(1, span.start.column)
                var width = 1
                if span.end.line == span.start.line, span.end.column > span.start.column {
                    width = span.end.column - span.start.column
                }
                width = max(1, min(width, max(1, line.count - startColumn + 1)))
                lines.append(String(repeating: " ", count: startColumn - 1) + String(repeating: "^", count: width))
            }
        }
        if let hint { lines.append("hint: \(hint)") }
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }
}
