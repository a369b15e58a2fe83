import RivuletCore
import RivuletPGWire
import Testing

struct ParameterSubstitutionTests {
    @Test func placeholdersBecomeLiteralsOfTheirType() {
        let substitution = ParameterSubstitution(
            sql: "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 AND d = $4 AND e = $5 AND f = $6",
            values: ["42", "it's", nil, "-1.5", "true", "2024-01-01 10:00:00"],
            types: [.int4, .unspecified, .text, .float8, .bool, .timestamp])
        #expect(
            substitution.sql
                == "SELECT * FROM t WHERE a = 42 AND b = 'it''s' AND c = NULL AND d = (-1.5) AND e = TRUE "
                + "AND f = TIMESTAMP '2024-01-01 10:00:00'")
    }

    @Test func numericTypeWithNonNumericTextStaysQuoted() {
        let substitution = ParameterSubstitution(sql: "SELECT $1", values: ["1; DROP TABLE t"], types: [.int8])
        #expect(substitution.sql == "SELECT '1; DROP TABLE t'")
    }

    @Test func placeholdersInsideLiteralsIdentifiersAndCommentsAreLeftAlone() {
        let sql = "SELECT '$1', \"$1\", `$2` -- $1\n, $1 /* $2 */"
        #expect(ParameterSubstitution.parameterCount(in: sql) == 1)
        #expect(ParameterSubstitution(sql: sql, values: ["7"], types: [.int4]).sql == "SELECT '$1', \"$1\", `$2` -- $1\n, 7 /* $2 */")
    }

    @Test func parameterCountIsTheHighestNumber() {
        #expect(ParameterSubstitution.parameterCount(in: "SELECT $2, $10") == 10)
        #expect(ParameterSubstitution.parameterCount(in: "SELECT 1") == 0)
    }

    @Test func errorPositionsMapBackToTheClientText() {
        // "SELECT $1 FORM t" → "SELECT 'long value' FORM t": FORM moves right by 10 characters.
        let substitution = ParameterSubstitution(sql: "SELECT $1 FORM t", values: ["long value"], types: [.text])
        #expect(substitution.sql == "SELECT 'long value' FORM t")
        #expect(substitution.originalOffset(of: 20) == 10)
        #expect(substitution.originalOffset(of: 3) == 3)
        #expect(substitution.originalOffset(of: 12) == 7)
        let error = SQLError.syntax("bad", at: SourceSpan(at: SourceLocation(line: 1, column: 21, offset: 20)))
        #expect(substitution.mapped(error).span?.start.offset == 10)
    }
}
