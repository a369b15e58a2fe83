import RivuletCore
import RivuletSQL
import Testing

@Suite struct MatchRecognizeTests {
    @Test func tickerExampleRoundTrips() throws {
        let statement = try roundTrip("""
            SELECT * FROM Ticker MATCH_RECOGNIZE (
              PARTITION BY symbol ORDER BY rowtime
              MEASURES START_ROW.rowtime AS start_tstamp, LAST(PRICE_DOWN.rowtime) AS bottom_tstamp
              ONE ROW PER MATCH AFTER MATCH SKIP TO LAST PRICE_UP
              PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
              DEFINE PRICE_DOWN AS (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price)
                       OR PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
                     PRICE_UP AS PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
            ) MR
            """)
        guard case .query(let query) = statement, case .select(let select) = query.body,
            case .matchRecognize(let match) = select.from.first
        else {
            Issue.record("no MATCH_RECOGNIZE in \(statement)")
            return
        }
        #expect(match.alias?.value == "MR")
        #expect(match.rowsPerMatch == .one)
        #expect(match.afterMatch == .toLast(Identifier("PRICE_UP")))
        #expect(match.definitions.map(\.name.value) == ["PRICE_DOWN", "PRICE_UP"])
        #expect(match.pattern == .sequence([
            .variable(Identifier("START_ROW"), nil),
            .variable(Identifier("PRICE_DOWN"), PatternQuantifier(min: 1, max: nil)),
            .variable(Identifier("PRICE_UP"), nil),
        ]))
    }

    @Test func quantifiersRoundTrip() throws {
        let statement = try roundTrip("""
            SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES A.x AS a
              PATTERN (A B* C+? D? E{2} F{2,} G{1,3}? H{,4} I*?) WITHIN INTERVAL '1' HOUR DEFINE A AS A.x > 1)
            """)
        guard case .query(let query) = statement, case .select(let select) = query.body,
            case .matchRecognize(let match) = select.from.first, case .sequence(let parts) = match.pattern
        else {
            Issue.record("no pattern in \(statement)")
            return
        }
        let quantifiers = parts.map { part -> PatternQuantifier? in
            if case .variable(_, let q) = part { return q }
            return nil
        }
        #expect(quantifiers == [
            nil, PatternQuantifier(min: 0, max: nil), PatternQuantifier(min: 1, max: nil, reluctant: true),
            PatternQuantifier(min: 0, max: 1), PatternQuantifier(min: 2, max: 2), PatternQuantifier(min: 2, max: nil),
            PatternQuantifier(min: 1, max: 3, reluctant: true), PatternQuantifier(min: 0, max: 4),
            PatternQuantifier(min: 0, max: nil, reluctant: true),
        ])
        #expect(match.within != nil)
    }

    @Test func standardFormsParseForThePlannerToRefuse() throws {
        try roundTrip("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES A.x AS a PATTERN ((A B | C)+ PERMUTE(D, E)) DEFINE A AS TRUE)")
        try roundTrip("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES A.x AS a ALL ROWS PER MATCH AFTER MATCH SKIP TO NEXT ROW PATTERN (A) DEFINE A AS TRUE)")
        try roundTrip("SELECT * FROM (SELECT * FROM t) MATCH_RECOGNIZE (PARTITION BY k, j ORDER BY ts AFTER MATCH SKIP PAST LAST ROW PATTERN (A B) DEFINE A AS TRUE) AS m")
        try roundTrip("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts AFTER MATCH SKIP TO FIRST B PATTERN (A B))")
    }

    @Test func syntaxErrorsHavePositions() {
        let missingPattern = syntaxError("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES A.x AS a DEFINE A AS TRUE)")
        #expect(missingPattern?.state == .syntaxError)
        #expect(missingPattern?.message.contains("PATTERN") == true)
        #expect(missingPattern?.span?.start.column == 64)
        let badBounds = syntaxError("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts PATTERN (A{3,2}))")
        #expect(badBounds?.message.contains("lower bound") == true)
        #expect(badBounds?.span?.start.column == 56)
        let missingAs = syntaxError("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES A.x a PATTERN (A))")
        #expect(missingAs?.state == .syntaxError)
    }
}
