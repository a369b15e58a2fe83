import Foundation
import RivuletCore
import RivuletSQL
import Testing

/// The fixture scripts next to this file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// Flink's reference scripts live with their expected rows in `conformance/flink/queries`.
    static let flinkReference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("conformance/flink/queries")

    static func url(_ relativePath: String) -> URL {
        let prefix = "flink-reference"
        if relativePath == prefix { return flinkReference }
        if relativePath.hasPrefix(prefix + "/") {
            return flinkReference.appendingPathComponent(String(relativePath.dropFirst(prefix.count + 1)))
        }
        return directory.appendingPathComponent(relativePath)
    }

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    /// The `.sql` files of a fixture folder, sorted by name.
    static func scripts(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".sql") }.sorted().map { "\(folder)/\($0)" }
    }
}

/// Parses `sql`, prints it, parses the print and prints again: the two trees must be equal
/// (spans aside) and the second print must equal the first.
@discardableResult
func roundTrip(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Statement {
    let first = try parseStatement(sql)
    checkPrintedForm(of: first, sourceLocation: sourceLocation)
    return first
}

func checkPrintedForm(of statement: Statement, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let printed = statement.description
    let reparsed: Statement
    do {
        reparsed = try parseStatement(printed)
    } catch {
        Issue.record("printed SQL does not parse: \(error)\n\(printed)", sourceLocation: sourceLocation)
        return
    }
    #expect(reparsed == statement, "tree changed after printing:\n\(printed)", sourceLocation: sourceLocation)
    #expect(reparsed.description == printed, "printing is not a fixed point", sourceLocation: sourceLocation)
}

/// The error `parseScript` throws for `sql`, or nil if it parses.
func syntaxError(_ sql: String) -> SQLError? {
    do {
        _ = try parseScript(sql)
        return nil
    } catch {
        return error
    }
}

/// The statement's single query, for tests about queries.
func query(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Query {
    let statement = try roundTrip(sql, sourceLocation: sourceLocation)
    guard case .query(let q) = statement else {
        Issue.record("not a query: \(statement)", sourceLocation: sourceLocation)
        throw SQLError.internal("not a query")
    }
    return q
}

/// The select at the body of a query.
func select(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Select {
    let q = try query(sql, sourceLocation: sourceLocation)
    guard case .select(let s) = q.body else { throw SQLError.internal("not a plain select") }
    return s
}

/// Fully parenthesized form of an expression, to pin down how it was grouped.
func shape(_ expr: Expr) -> String {
    switch expr {
    case .binary(let b): return "(\(shape(b.left)) \(b.op.rawValue) \(shape(b.right)))"
    case .unary(let u): return "(\(u.op.rawValue) \(shape(u.operand)))"
    case .isNull(let e): return "(\(shape(e.expr)) IS \(e.negated ? "NOT " : "")NULL)"
    case .like(let e): return "(\(shape(e.expr)) \(e.negated ? "NOT " : "")LIKE \(shape(e.pattern)))"
    case .between(let e): return "(\(shape(e.expr)) \(e.negated ? "NOT " : "")BETWEEN \(shape(e.low)) AND \(shape(e.high)))"
    case .inList(let e): return "(\(shape(e.expr)) \(e.negated ? "NOT " : "")IN [\(e.list.map(shape).joined(separator: ", "))])"
    default: return expr.description
    }
}
