@testable import RivuletShell
import Testing

/// Tokens for completion follow the quote and comment rules statements are split by.
struct CompletionTokenizerTests {
    @Test func quotesCommentsAndPunctuation() {
        #expect(CompletionTokenizer.tokens(of: "SELECT 'it''s', \"a\"\"b\", `c d` -- x\n/* y /* z */ */ FROM t;") == [
            .word("SELECT"), .quoted("it's"), .punctuation(","), .word("a\"b"), .punctuation(","), .word("c d"),
            .word("FROM"), .word("t"), .punctuation(";"),
        ])
        #expect(CompletionTokenizer.tokens(of: "SELECT $$a;b$$, $q$c$q$, $1") == [
            .word("SELECT"), .quoted("a;b"), .punctuation(","), .quoted("c"), .punctuation(","), .punctuation("$"), .word("1"),
        ])
    }

    @Test func aQuoteStillOpenEndsTheTokens() {
        #expect(CompletionTokenizer.tokens(of: "WITH ('connector' = 'fi") == [
            .word("WITH"), .punctuation("("), .quoted("connector"), .punctuation("="), .openQuote("'"),
        ])
        #expect(CompletionTokenizer.tokens(of: "SELECT $$ab").last == .openQuote("$"))
        #expect(CompletionTokenizer.tokens(of: "SELECT ''") == [.word("SELECT"), .quoted("")])
    }
}
