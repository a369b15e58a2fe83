/// Prints one statement's results as `PGConnection` reports them: a whole result as a table
/// once it is complete, or, for a push query, the header at once and each row as it arrives.
final class ResultPrinter {
    private let streaming: Bool
    private let expanded: ExpandedMode
    private let terminalWidth: Int?
    private var columns: [PGConnection.Column] = []
    private var alignments: [ResultTable.Alignment] = []
    private var widths: [Int] = []
    private var rows: [[String?]] = []
    private var rowCount = 0
    private(set) var error: ServerError?
    /// Where lines go (standard output; tests collect them).
    private let line: (String) -> Void

    init(streaming: Bool, expanded: ExpandedMode, terminalWidth: Int?, line: @escaping (String) -> Void = Output.line) {
        self.streaming = streaming
        self.expanded = expanded
        self.terminalWidth = terminalWidth
        self.line = line
    }

    func handle(_ event: PGConnection.Event) {
        switch event {
        case .columns(let columns):
            self.columns = columns
            alignments = columns.map { $0.isNumeric ? .right : .left }
            rows = []
            rowCount = 0
            if streaming {
                widths = columns.map { max($0.name.count, Self.typicalWidth(of: $0.typeOID)) }
                if !recordsExpanded {
                    line(ResultTable.headerLine(columns.map(\.name), widths: widths))
                    line(ResultTable.separatorLine(widths: widths))
                }
            }
        case .row(let row):
            rowCount += 1
            if streaming {
                if recordsExpanded {
                    line(ResultTable.expandedRecord(row, number: rowCount, headers: columns.map(\.name)))
                } else {
                    line(ResultTable.rowLine(row, widths: widths, alignments: alignments))
                }
            } else {
                rows.append(row)
            }
        case .completed(let tag):
            if columns.isEmpty {
                line(tag)
            } else if streaming {
                line(ResultTable.rowCount(rowCount))
            } else {
                let table = ResultTable(headers: columns.map(\.name), alignments: alignments, rows: rows)
                line(table.rendered(expanded: expanded, terminalWidth: terminalWidth))
            }
            columns = []
        case .failed(let error):
            // Rows already shown stay; their count closes them before the error.
            if streaming, !columns.isEmpty { line(ResultTable.rowCount(rowCount)) }
            columns = []
            self.error = error
        }
    }

    /// A push query's rows go one block each when expanded output is on, or when `auto` and
    /// the header alone is wider than the terminal.
    private var recordsExpanded: Bool {
        switch expanded {
        case .on: return true
        case .off: return false
        case .auto:
            guard let terminalWidth else { return false }
            return widths.reduce(0, +) + widths.count * 3 - 1 > terminalWidth
        }
    }

    /// Room for a column of a push query before its values are known.
    private static func typicalWidth(of typeOID: UInt32) -> Int {
        switch typeOID {
        case 16: return 5  // boolean
        case 21, 23: return 6  // int2, int4
        case 20, 700, 701, 1700: return 10  // int8, floats, numeric
        case 1082: return 10  // date
        case 1114, 1184: return 23  // timestamp
        default: return 12
        }
    }
}
