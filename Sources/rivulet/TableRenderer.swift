import RivuletCore
import RivuletEngine

/// Results as an aligned text table with a header and a row count, like psql prints them.
enum TableRenderer {
    static func render(_ result: ResultSet) -> String {
        var headers = result.schema.names
        var rows = result.rows.map { $0.map(text) }
        if let kinds = result.kinds {
            headers.insert("op", at: 0)
            rows = zip(kinds, rows).map { [$0.description] + $1 }
        }
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in " " + cell + String(repeating: " ", count: widths[i] - cell.count) + " " }
                .joined(separator: "|")
        }
        var lines = [line(headers), widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+")]
        lines += rows.map(line)
        lines.append("(\(rows.count) row\(rows.count == 1 ? "" : "s"))")
        return lines.joined(separator: "\n")
    }

    private static func text(_ value: Value) -> String {
        value.isNull ? "NULL" : value.description
    }
}
