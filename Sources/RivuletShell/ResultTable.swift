/// A result as psql prints it: an aligned table with a header and a row count, or, when it
/// does not fit the terminal (or `\x` asks for it), one block per record.
public struct ResultTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    /// Cells as text; nil is SQL NULL.
    public var rows: [[String?]]

    public static let nullText = "NULL"

    public init(headers: [String], alignments: [Alignment]? = nil, rows: [[String?]]) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
        self.rows = rows
    }

    /// `(1 row)`, `(3 rows)`.
    public static func rowCount(_ count: Int) -> String {
        "(\(count) row\(count == 1 ? "" : "s"))"
    }

    /// The aligned table, header and separator first, then the rows and the row count.
    public func aligned() -> String {
        let widths = columnWidths()
        var lines = [Self.headerLine(headers, widths: widths), Self.separatorLine(widths: widths)]
        lines += rows.map { Self.rowLine($0, widths: widths, alignments: alignments) }
        lines.append(Self.rowCount(rows.count))
        return lines.joined(separator: "\n")
    }

    /// Records one below the other, `-[ RECORD n ]---` first, then `column | value` lines.
    public func expanded() -> String {
        guard !rows.isEmpty else { return "(0 rows)" }
        var blocks: [String] = []
        for (number, row) in rows.enumerated() {
            blocks.append(Self.expandedRecord(row, number: number + 1, headers: headers))
        }
        return blocks.joined(separator: "\n")
    }

    /// The widest line of the aligned form, in characters.
    public var alignedWidth: Int {
        let widths = columnWidths()
        return widths.reduce(0, +) + widths.count * 3 - 1
    }

    /// The aligned form, or the expanded one when `expanded` is `.on`, or `.auto` and the
    /// aligned form is wider than `terminalWidth`.
    public func rendered(expanded mode: ExpandedMode, terminalWidth: Int?) -> String {
        switch mode {
        case .on: return expanded()
        case .off: return aligned()
        case .auto:
            if let terminalWidth, alignedWidth > terminalWidth, !rows.isEmpty { return expanded() }
            return aligned()
        }
    }

    public func columnWidths() -> [Int] {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], Self.display(cell).count)
            }
        }
        return widths
    }

    // MARK: Lines, shared with the row-by-row rendering of push queries

    static func display(_ cell: String?) -> String {
        guard let cell else { return nullText }
        // A cell never breaks the table's lines.
        return cell.contains(where: { $0 == "\n" || $0 == "\t" || $0 == "\r" })
            ? String(cell.map { $0 == "\n" || $0 == "\t" || $0 == "\r" ? " " : $0 }) : cell
    }

    static func pad(_ text: String, to width: Int, _ alignment: Alignment) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return alignment == .left ? text + padding : padding + text
    }

    public static func headerLine(_ headers: [String], widths: [Int]) -> String {
        // Headers are centred, as psql does.
        headers.enumerated().map { index, header in
            let room = max(0, widths[index] - header.count)
            let left = room / 2
            return " " + String(repeating: " ", count: left) + header + String(repeating: " ", count: room - left) + " "
        }.joined(separator: "|")
    }

    public static func separatorLine(widths: [Int]) -> String {
        widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+")
    }

    public static func rowLine(_ row: [String?], widths: [Int], alignments: [Alignment]) -> String {
        row.enumerated().map { index, cell in
            let width = index < widths.count ? widths[index] : 0
            let alignment = index < alignments.count ? alignments[index] : .left
            return " " + pad(display(cell), to: width, alignment) + " "
        }.joined(separator: "|")
    }

    public static func expandedRecord(_ row: [String?], number: Int, headers: [String]) -> String {
        let nameWidth = headers.map(\.count).max() ?? 0
        let values = row.map(display)
        let valueWidth = values.map(\.count).max() ?? 0
        let title = "-[ RECORD \(number) ]"
        let ruleWidth = nameWidth + valueWidth + 3
        var lines = [title + String(repeating: "-", count: max(1, ruleWidth - title.count))]
        for (index, header) in headers.enumerated() {
            let value = index < values.count ? values[index] : ""
            lines.append(pad(header, to: nameWidth, .left) + " | " + value)
        }
        return lines.joined(separator: "\n")
    }
}
