import RivuletCore
import RivuletSQL
import Testing

/// Random and mutated input must only ever parse or throw a `SQLError` with a span inside the
/// text — never crash or hang — and whatever parses must print back to the same tree.
@Suite struct FuzzTests {
    /// SplitMix64: small, fast and the same on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let corpus: [String] = {
        var texts = [
            "SELECT a, b + 1 AS c FROM t WHERE x BETWEEN 1 AND 2 AND y IN (1, 2) OR z LIKE 'a%'",
            "SELECT k, COUNT(*) FROM s WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 2 SECONDS) GROUP BY k EMIT CHANGES",
            "SELECT * FROM a JOIN b WITHIN (1 SECOND, 2 SECONDS) ON a.id = b.id",
            "SELECT * FROM TABLE(SESSION(TABLE bid PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '5' MINUTE))",
            "CREATE STREAM s (a INT KEY, b VARCHAR) WITH (KAFKA_TOPIC = 's', PARTITIONS = 2)",
            "INSERT INTO s VALUES (1, 'x'), (-2, NULL)",
            "SELECT CASE WHEN a THEN CAST(b AS DECIMAL(10, 2)) ELSE TRY_CAST(c AS INT) END, EXTRACT(HOUR FROM ts), SUBSTRING(s FROM 1 FOR 2), TRIM(LEADING 'x' FROM s) FROM t",
            "SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b DESC) AS rn, count(DISTINCT c) FILTER (WHERE d < 1) FROM t",
            "SELECT OVERLAY(s PLACING 'x' FROM 2 FOR 3), POSITION('a' IN s), FLOOR(ts TO DAY), CEIL(ts TO HOUR), FLOOR(x), "
                + "TIMESTAMPADD(DAY, 1, ts), a IS NOT DISTINCT FROM b, IF(a, 1, 2), s IS NOT JSON ARRAY FROM t",
            "SELECT JSON_VALUE(j, 'lax $.a' RETURNING INT DEFAULT 0 ON EMPTY NULL ON ERROR), JSON_QUERY(j, '$' WITH WRAPPER), "
                + "JSON_EXISTS(j, '$.b' TRUE ON ERROR), JSON_OBJECT(KEY 'k' VALUE 1 ABSENT ON NULL), JSON_ARRAY(1 NULL ON NULL) FROM t",
            "SHOW STREAMS; DESCRIBE EXTENDED t; EXPLAIN q1; TERMINATE ALL; DROP TABLE IF EXISTS t; SET 'a' = 'b'",
        ]
        for path in Fixtures.scripts(in: "nexmark") + Fixtures.scripts(in: "flink-reference") + Fixtures.scripts(in: "ksql") {
            if let text = try? Fixtures.text(path) { texts.append(text) }
        }
        return texts
    }()

    static let vocabulary = [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "EMIT", "CHANGES", "FINAL", "WINDOW",
        "TUMBLING", "HOPPING", "SESSION", "SIZE", "ADVANCE", "GRACE", "PERIOD", "10", "SECONDS", "JOIN", "LEFT", "ON",
        "WITHIN", "AS", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END",
        "CAST", "INTERVAL", "'10'", "SECOND", "TABLE", "TUMBLE", "HOP", "DESCRIPTOR", "CREATE", "STREAM", "WITH",
        "INSERT", "INTO", "VALUES", "(", ")", ",", ".", ";", "*", "+", "-", "/", "=", "<>", "<", ">=", "||", "=>", "a",
        "b", "t", "`x y`", "\"q\"", "1.5", "'s'", "$1", "OVER", "PARTITION", "FILTER", "DISTINCT", "UNION", "ALL",
        "EXTRACT", "SUBSTRING", "TRIM", "FOR", "SYSTEM_TIME", "OF", "--c\n", "/*c*/", "TIMESTAMP", "DATE", "KEY",
        "OVERLAY", "PLACING", "POSITION", "FLOOR", "CEIL", "TO", "DAY", "DISTINCT", "JSON", "OBJECT",
        "JSON_VALUE", "JSON_OBJECT", "RETURNING", "EMPTY", "ERROR", "DEFAULT", "VALUE", "ABSENT", "WRAPPER",
    ]

    private func check(_ text: String) {
        do {
            let statements = try parseScript(text)
            for parsed in statements {
                let printed = parsed.statement.description
                do {
                    let reparsed = try parseStatement(printed)
                    #expect(reparsed == parsed.statement, "printing changed the tree of: \(parsed.text)\nprinted: \(printed)")
                } catch {
                    Issue.record("printed form does not parse: \(error)\ninput: \(parsed.text)\nprinted: \(printed)")
                }
            }
        } catch {
            let count = text.count
            if let span = error.span {
                #expect(span.start.offset >= 0 && span.start.offset <= count && span.end.offset <= count, "span outside text: \(error)")
                #expect(span.start.line >= 1 && span.start.column >= 1)
            }
            #expect(!error.message.isEmpty)
        }
    }

    private func tokens(of text: String) -> [String] {
        guard let tokens = try? Lexer.tokenize(text) else { return [text] }
        return tokens.dropLast().map(\.text)
    }

    @Test func randomTokenSequences() {
        var random = Random(state: 42)
        for _ in 0..<3_000 {
            let length = 1 + random.below(25)
            let text = (0..<length).map { _ in random.pick(FuzzTests.vocabulary) }.joined(separator: " ")
            check(text)
        }
    }

    @Test func mutatedValidQueries() {
        var random = Random(state: 7)
        let tokenized = FuzzTests.corpus.map(tokens(of:))
        for _ in 0..<3_000 {
            var pieces = random.pick(tokenized)
            guard !pieces.isEmpty else { continue }
            let mutations = 1 + random.below(3)
            for _ in 0..<mutations where !pieces.isEmpty {
                let i = random.below(pieces.count)
                switch random.below(5) {
                case 0: pieces.remove(at: i)
                case 1: pieces.insert(pieces[i], at: i)
                case 2:
                    let j = random.below(pieces.count)
                    pieces.swapAt(i, j)
                case 3: pieces.insert(random.pick(FuzzTests.vocabulary), at: i)
                default: pieces = Array(pieces.prefix(i))
                }
            }
            check(pieces.joined(separator: " "))
        }
    }

    @Test func truncationsAndRandomCharacters() {
        var random = Random(state: 2024)
        let alphabet = Array("abcXYZ019 _'\"`()[],.;:*+-/%<>=!|@#$?\n\t\\{}é€\u{0}")
        for _ in 0..<2_000 {
            var characters = Array(random.pick(FuzzTests.corpus))
            if random.below(2) == 0 {
                characters = Array(characters.prefix(random.below(characters.count + 1)))
            }
            for _ in 0..<random.below(4) {
                let position = random.below(characters.count + 1)
                characters.insert(random.pick(alphabet), at: position)
            }
            check(String(characters))
        }
        for _ in 0..<500 {
            check(String((0..<random.below(40)).map { _ in random.pick(alphabet) }))
        }
    }

    /// Inputs `fuzz/run.sh` found (reduced), each a bug fixed since: they parse, and print back
    /// to the same tree.
    @Test(arguments: [
        // A bare hyphenated option key printed quoted, and read back as a string key.
        "CREATE STREAM c (ts TIMESTAMP(3)) WITH (connector = 'file', TIMESTAMon-errorP = 'ts')",
        "CREATE TABLE c (a INT) WITH ('connector' = 'file', json.ignore-parse-errors = TRUE, x-1 = 2, y.z2 = 'q')",
        // Nested signs printed as `-(-x)`, twice as deep as the input, past the depth limit.
        "SELECT " + String(repeating: "- ", count: 140) + "1",
    ])
    func libFuzzerFindings(_ text: String) throws {
        _ = try parseScript(text)
        check(text)
    }

    @Test func bareOptionKeysHaveNoSpaces() throws {
        guard case .createRelation(let create) = try parseStatement("CREATE TABLE c (a INT) WITH (json.ignore-parse-errors = TRUE)")
        else { Issue.record("not a CREATE TABLE"); return }
        #expect(create.options.map(\.key) == ["json.ignore-parse-errors"])
        #expect(create.description.hasSuffix("WITH (json.ignore-parse-errors = TRUE)"))
        for spaced in ["json . ignore = TRUE", "json- ignore = TRUE", "json -ignore = TRUE", "json.5 = TRUE"] {
            #expect(throws: SQLError.self, "\(spaced)") { try parseStatement("CREATE TABLE c (a INT) WITH (\(spaced))") }
        }
    }
}
