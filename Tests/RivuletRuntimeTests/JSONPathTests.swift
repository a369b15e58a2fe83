import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

/// JSON_VALUE, JSON_QUERY and JSON_EXISTS over paths in lax and strict mode.
@Suite struct JSONPathTests {
    static let document = #"{"a": {"b": [10, 20, {"c": "x"}]}, "k y": 7, "list": [{"id": 1}, {"id": 2}], "n": null}"#

    func call(_ function: ScalarFunction, _ path: String, _ json: String = document) throws -> Value {
        let type: SQLType = function == .jsonExists ? .boolean : .varchar
        return try evalConstant(.call(function, [lit(.string(json), .varchar), lit(.string(path), .varchar)], type))
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

    @Test func aBadPathIsAnError() {
        #expect(throws: SQLError.self) { try call(.jsonValue, "a.b") }
        #expect(throws: SQLError.self) { try call(.jsonValue, "$.a[x]") }
    }
}
