import RivuletCore
import RivuletEngine
import RivuletShell

/// Results of `rivulet run` as the shell prints them: an aligned table with a header and a row
/// count, like psql.
enum TableRenderer {
    static func render(_ result: ResultSet) -> String {
        var headers = result.schema.names
        var alignments = result.schema.fields.map { $0.type.isNumeric ? ResultTable.Alignment.right : .left }
        var rows = result.rows.map { $0.map(text) }
        if let kinds = result.kinds {
            headers.insert("op", at: 0)
            alignments.insert(.left, at: 0)
            rows = zip(kinds, rows).map { [$0.description] + $1 }
        }
        return ResultTable(headers: headers, alignments: alignments, rows: rows).aligned()
    }

    private static func text(_ value: Value) -> String? {
        value.isNull ? nil : value.description
    }
}
