import RivuletCore
import RivuletSQL
import Testing

@Suite struct LexerTests {
    private func kinds(_ text: String) throws -> [TokenKind] {
        try Lexer.tokenize(text).map(\.kind)
    }

    @Test func wordsAreUpperCasedForMatchingButKeepTheirSpelling() throws {
        let tokens = try Lexer.tokenize("select dateTime")
        #expect(tokens[0].kind == .word("SELECT"))
        #expect(tokens[1].kind == .word("DATETIME"))
        #expect(tokens[1].text == "dateTime")
        #expect(tokens[2].kind == .endOfInput)
    }

    @Test func quotedIdentifiersInBothStyles() throws {
        #expect(try kinds("`dateTime` \"Order Id\" `a``b` \"x\"\"y\"") == [
            .quotedIdentifier("dateTime"), .quotedIdentifier("Order Id"), .quotedIdentifier("a`b"),
            .quotedIdentifier("x\"y"), .endOfInput,
        ])
    }

    @Test func stringsWithDoubledQuotes() throws {
        #expect(try kinds("'it''s' ''") == [.string("it's"), .string(""), .endOfInput])
    }

    @Test func escapeStringsReadBackslashEscapes() throws {
        #expect(try kinds(#"E'\n' e'it\'s' E'a\tb\\' E'\x41\101\u00e9' E'\q' 'a\n'"#) == [
            .string("\n"), .string("it's"), .string("a\tb\\"), .string("AAé"), .string("q"), .string(#"a\n"#), .endOfInput,
        ])
        #expect(try kinds("e 'x'") == [.word("E"), .string("x"), .endOfInput])
    }

    @Test func numbers() throws {
        #expect(try kinds("42 3.14 .5 1e3 2.5E-2") == [
            .number("42"), .number("3.14"), .number(".5"), .number("1e3"), .number("2.5E-2"), .endOfInput,
        ])
    }

    @Test func operators() throws {
        let symbols = try kinds("= <> != < <= > >= + - * / % || ( ) , . ; =>").compactMap { kind -> Symbol? in
            if case .symbol(let s) = kind { return s }
            return nil
        }
        #expect(symbols == [
            .equal, .notEqual, .bangEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .plus, .minus, .star,
            .slash, .percent, .concat, .leftParen, .rightParen, .comma, .period, .semicolon, .arrow,
        ])
    }

    @Test func commentsAreSkipped() throws {
        #expect(try kinds("a -- line comment\n/* block\ncomment */ b") == [.word("A"), .word("B"), .endOfInput])
        #expect(try kinds("a - - b") == [.word("A"), .symbol(.minus), .symbol(.minus), .word("B"), .endOfInput])
    }

    @Test func parametersOfPreparedStatements() throws {
        #expect(try kinds("$1 + $12") == [.parameter(1), .symbol(.plus), .parameter(12), .endOfInput])
    }

    @Test func spansCountLinesAndCharacters() throws {
        let tokens = try Lexer.tokenize("SELECT\n  'héllo', `ü`\r\n  x")
        #expect(tokens[1].span.start == SourceLocation(line: 2, column: 3, offset: 9))
        #expect(tokens[1].span.end == SourceLocation(line: 2, column: 10, offset: 16))
        #expect(tokens[3].span.start == SourceLocation(line: 2, column: 12, offset: 18))
        // CRLF is one Character and one line break.
        #expect(tokens[4].span.start == SourceLocation(line: 3, column: 3, offset: 24))
    }

    @Test func unterminatedStringPointsAtItsQuote() {
        do {
            _ = try Lexer.tokenize("SELECT\n  'abc")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "unterminated string literal")
            #expect(error.span?.start == SourceLocation(line: 2, column: 3, offset: 9))
        }
    }

    @Test func unterminatedQuotedIdentifierAndComment() {
        do {
            _ = try Lexer.tokenize("SELECT `abc")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "unterminated quoted identifier")
            #expect(error.span?.start.column == 8)
        }
        do {
            _ = try Lexer.tokenize("SELECT 1 /* never closed")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "unterminated comment")
            #expect(error.span?.start.column == 10)
        }
    }

    @Test func unexpectedCharacter() {
        do {
            _ = try Lexer.tokenize("SELECT a @ b")
            Issue.record("expected an error")
        } catch {
            #expect(error.state == .syntaxError)
            #expect(error.message == "unexpected character '@'")
            #expect(error.span?.start.column == 10)
        }
    }
}
