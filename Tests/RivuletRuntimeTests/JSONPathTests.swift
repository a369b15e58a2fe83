import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

/// JSON_VALUE, JSON_QUERY and JSON_EXISTS over paths in lax and strict mode.
@Suite struct JSONPathTests {
    static let document = #"{"a": {"b": [10, 20, {"c": "x"}]}, "k y": 7, "list": [{"id": 1}, {"id": 2}], "n": null}"#

    /// The call with Flink's default clauses (NULL ON EMPTY, NULL ON ERROR, FALSE ON ERROR, no
    /// wrapper), or ERROR ON ERROR.
    func call(_ function: ScalarFunction, _ path: String, _ json: String = document, failing: Bool = false) throws -> Value {
        let type: SQLType = function == .jsonExists ? .boolean : .varchar
        let onError = lit(.string(failing ? "ERROR" : function == .jsonExists ? "FALSE" : "NULL"), .varchar)
        let clauses: [BoundExpr] = switch function {
        case .jsonValue: [lit(.string("NULL"), .varchar), onError, lit(.null, .varchar), lit(.null, .varchar)]
        case .jsonQuery: [lit(.string("WITHOUT"), .varchar), lit(.string("NULL"), .varchar), onError]
        default: [onError]
        }
        return try evalConstant(.call(function, [lit(.string(json), .varchar), lit(.string(path), .varchar)] + clauses, type))
    }

    @Test func memberIndexAndQuotedSteps() throws {
        #expect(try call(.jsonValue, "$.a.b[1]") == .string("20"))
        #expect(try call(.jsonValue, "$.a.b[2].c") == .string("x"))
        #expect(try call(.jsonValue, "$['k y']") == .string("7"))
        #expect(try call(.jsonValue, #"$."k y""#) == .string("7"))
        #expect(try call(.jsonValue, "$.n") == N)
    }

    @Test func stepsSelectFromTheirOwnKindOnly() throws {
        #expect(try call(.jsonExists, "$.list.id") == F)
        #expect(try call(.jsonExists, "$.a[0]") == F)
        #expect(try call(.jsonExists, "strict $.missing") == F)
        #expect(try call(.jsonExists, "$.n") == F)  // a JSON null is nothing found
    }

    @Test func anIndefinitePathGivesAList() throws {
        #expect(try call(.jsonQuery, "$.list[*].id") == .string("[1,2]"))
        #expect(try call(.jsonValue, "$.list[*].id") == N)
        #expect(try call(.jsonExists, "$.list[*].id") == T)
        #expect(try call(.jsonQuery, #"$.missing[*]"#) == N)
    }

    @Test func queryGivesObjectsAndArraysOnly() throws {
        #expect(try call(.jsonQuery, "$.a.b") == .string(#"[10,20,{"c":"x"}]"#))
        #expect(try call(.jsonQuery, "$.a.b[0]") == N)
        #expect(try call(.jsonQuery, "$", #"{"b": 1, "a": {"d": 2, "c": 3}}"#) == .string(#"{"a":{"c":3,"d":2},"b":1}"#))
        #expect(try call(.jsonValue, "$.a") == N)
    }

    @Test func textThatIsNotJSONGivesTheDefaults() throws {
        #expect(try call(.jsonValue, "$.a", "{oops") == N)
        #expect(try call(.jsonExists, "$", "{oops") == F)
    }

    /// As in Flink, a path that does not parse is an error of each row: NULL ON ERROR by default.
    @Test func aBadPathIsAnError() throws {
        #expect(try call(.jsonValue, "a.b") == N)
        #expect(throws: SQLError.self) { try call(.jsonValue, "a.b", failing: true) }
        #expect(throws: SQLError.self) { try call(.jsonValue, "$.a[x]", failing: true) }
        #expect(throws: SQLError.self) { try call(.jsonExists, "strict $.missing", failing: true) }
    }
}
