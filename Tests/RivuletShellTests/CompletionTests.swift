import RivuletShell
import Testing

/// What Tab offers where: names of the server's objects in the places SQL names them, the
/// options of the connector being declared, keywords elsewhere.
struct CompletionTests {
    let completion = Completion(catalog: CompletionCatalog(
        streams: ["clicks", "clicks_raw", "orders"], tables: ["counts"],
        columns: ["clicks": ["user_id", "url", "ts"], "counts": ["page", "n"], "orders": ["order_id", "amount"]],
        connectorOptions: ["file": ["format", "header", "path"], "datagen": ["number-of-rows", "rows-per-second"]],
        functions: ["upper", "count"], queries: ["q1", "q2", "q10"]))

    @Test func relationNamesAfterFromJoinIntoAndDescribe() {
        #expect(completion.candidates(before: "SELECT * FROM ", word: "cl") == ["clicks", "clicks_raw"])
        #expect(completion.candidates(before: "SELECT * FROM clicks c JOIN ", word: "") == ["clicks", "clicks_raw", "orders", "counts"])
        #expect(completion.candidates(before: "INSERT INTO ", word: "co") == ["counts"])
        #expect(completion.candidates(before: "describe ", word: "or") == ["orders"])
        #expect(completion.candidates(before: "DESCRIBE EXTENDED ", word: "or") == ["orders"])
        #expect(completion.candidates(before: "\\d ", word: "cou") == ["counts"])
        #expect(completion.candidates(before: "SELECT * FROM TABLE(TUMBLE(TABLE ", word: "c") == ["clicks", "clicks_raw", "counts"])
    }

    @Test func dropOffersOnlyRelationsOfTheRightKind() {
        #expect(completion.candidates(before: "DROP STREAM ", word: "c") == ["clicks", "clicks_raw"])
        #expect(completion.candidates(before: "DROP TABLE ", word: "c") == ["counts"])
        #expect(completion.candidates(before: "DROP TABLE IF EXISTS ", word: "") == ["counts"])
        #expect(completion.candidates(before: "CREATE STREAM ", word: "c").isEmpty)
    }

    @Test func viewsAreOfferedWhereQueriesReadAndAfterDropView() {
        let withViews = Completion(catalog: CompletionCatalog(
            streams: ["clicks"], views: ["click_pages", "counts_view"], columns: ["click_pages": ["page", "hits"]]))
        #expect(withViews.candidates(before: "SELECT * FROM ", word: "c") == ["clicks", "click_pages", "counts_view"])
        #expect(withViews.candidates(before: "DESCRIBE ", word: "click_") == ["click_pages"])
        #expect(withViews.candidates(before: "\\d ", word: "cou") == ["counts_view"])
        #expect(withViews.candidates(before: "DROP VIEW ", word: "c") == ["click_pages", "counts_view"])
        #expect(withViews.candidates(before: "DROP VIEW IF EXISTS ", word: "") == ["click_pages", "counts_view"])
        #expect(withViews.candidates(before: "SELECT page FROM click_pages WHERE ", word: "h").first == "hits")
        #expect(withViews.candidates(before: "SHOW ", word: "V") == ["VIEWS"])
        #expect(withViews.candidates(before: "SHOW ", word: "PRO") == ["PROPERTIES"])
        #expect(withViews.candidates(before: "CREATE ", word: "V") == ["VIEW"])
    }

    @Test func columnsOfTheRelationsTheStatementNames() {
        let candidates = completion.candidates(before: "SELECT ", word: "u")
        #expect(!candidates.contains("user_id"), "no relation named yet")
        #expect(candidates.contains("upper"), "typed in lower case")
        #expect(candidates.contains("union"))
        #expect(completion.candidates(before: "SELECT ", word: "U").contains("UPPER"))
        let named = completion.candidates(before: "SELECT user_id FROM clicks WHERE ", word: "u")
        #expect(named.prefix(2) == ["user_id", "url"])
        #expect(!named.contains("amount"))
        // Earlier lines of the statement count too.
        #expect(completion.candidates(before: "SELECT *\nFROM orders\nWHERE ", word: "am") == ["amount"])
    }

    @Test func keywordsFollowTheCaseTheUserTypes() {
        #expect(completion.candidates(before: "", word: "SEL") == ["SELECT"])
        #expect(completion.candidates(before: "", word: "sel") == ["select"])
        #expect(completion.candidates(before: "  ", word: "") == Completion.statementKeywords)
        #expect(completion.candidates(before: "SELECT 1; ", word: "cr") == ["create"])
        // A `;` inside a dollar quote or a comment ends no statement, and nothing completes there.
        #expect(completion.candidates(before: "SELECT $$a; ", word: "cr").isEmpty)
        #expect(completion.candidates(before: "SELECT 1 /* a; ", word: "cr").isEmpty)
        #expect(completion.candidates(before: "SELECT $$a; b$$ FROM ", word: "cl") == ["clicks", "clicks_raw"])
        #expect(completion.candidates(before: "SHOW ", word: "") == Completion.showKinds)
        #expect(completion.candidates(before: "SELECT * FROM clicks EMIT ", word: "CH") == ["CHANGES"])
    }

    @Test func withOptionsOfTheDeclaredConnector() {
        let create = "CREATE STREAM s (a INT) WITH (connector = 'file', "
        #expect(completion.candidates(before: create, word: "") == ["format", "header", "path"])
        #expect(completion.candidates(before: create + "path = 'x.csv', ", word: "") == ["format", "header"])
        // Flink quotes its option names.
        #expect(completion.candidates(before: "CREATE TABLE t (a INT) WITH ('connector' = 'file', '", word: "pa") == ["path"])
        #expect(completion.candidates(before: "CREATE TABLE t (a INT) WITH ('connector' = '", word: "") == ["datagen", "file"])
        // Before the connector is named: the connector option and every connector's options.
        #expect(completion.candidates(before: "CREATE STREAM s (a INT) WITH (", word: "co") == ["connector"])
        #expect(completion.candidates(before: "CREATE STREAM s (a INT) WITH (", word: "rows").first == "rows-per-second")
        // A value is not completed.
        #expect(completion.candidates(before: create + "path = '", word: "").isEmpty)
    }

    @Test func queryIdsAfterTerminateAndExplain() {
        #expect(completion.candidates(before: "TERMINATE ", word: "q1") == ["q1", "q10"])
        #expect(completion.candidates(before: "terminate ", word: "a") == ["all"])
        #expect(completion.candidates(before: "EXPLAIN ", word: "") == ["q1", "q2", "q10", "SELECT", "INSERT", "CREATE"])
    }

    @Test func metaCommandNames() {
        #expect(completion.candidates(before: "", word: "\\q") == ["\\q", "\\queries"])
        #expect(Completion.completesFileName(before: "\\i "))
        #expect(!Completion.completesFileName(before: "\\d "))
        #expect(!Completion.completesFileName(before: "SELECT "))
    }

    @Test func nothingInsideAStringLiteral() {
        #expect(completion.candidates(before: "SELECT * FROM clicks WHERE url = '", word: "cl").isEmpty)
    }
}
