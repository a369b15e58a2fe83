public import RivuletCore

/// Parses a script of `;`-separated statements. A last statement without `;` is fine; empty
/// statements (`;;`) are skipped. Throws the first syntax error, with its position.
public func parseScript(_ text: String) throws(SQLError) -> [ParsedStatement] {
    var parser = try Parser(text)
    var statements: [ParsedStatement] = []
    while true {
        while parser.consumeSymbol(.semicolon) {}
        if parser.atEnd { return statements }
        let start = parser.current.span.start
        let statement = try parser.parseStatement()
        let span = parser.span(from: start)
        statements.append(ParsedStatement(statement: statement, span: span, text: parser.text(of: span)))
        if !parser.atEnd, !parser.isSymbol(.semicolon) {
            throw parser.expected("';' or end of input", "after statement")
        }
    }
}

/// Parses exactly one statement (an optional trailing `;` is allowed).
public func parseStatement(_ text: String) throws(SQLError) -> Statement {
    var parser = try Parser(text)
    if parser.atEnd { throw parser.expected("a statement") }
    let statement = try parser.parseStatement()
    _ = parser.consumeSymbol(.semicolon)
    if !parser.atEnd { throw parser.expected("end of input", "after statement") }
    return statement
}

/// Parses one expression, e.g. a watermark delay or a filter typed into a tool.
public func parseExpression(_ text: String) throws(SQLError) -> Expr {
    var parser = try Parser(text)
    let expr = try parser.parseExpr()
    if !parser.atEnd { throw parser.expected("end of input", "after expression") }
    return expr
}
