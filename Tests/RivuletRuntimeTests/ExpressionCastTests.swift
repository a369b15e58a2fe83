import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct ExpressionCastTests {
    func cast(_ values: [Value], from: SQLType, to: SQLType) throws -> [Value] {
        try eval(.cast(col(0, from), to: to), from, values)
    }

    @Test func textToNumbersParsesOrGivesNull() throws {
        #expect(try cast([.string(" 42 "), .string("-9223372036854775808"), .string("4x"), .string(""), .string("9223372036854775808"), N], from: .varchar, to: .bigint)
            == [.int(42), .int(Int64.min), N, N, N, N])
        #expect(try cast([.string("3000000000"), .string("-12")], from: .varchar, to: .integer) == [N, .int(-12)])
        #expect(try cast([.string("1.5e3"), .string("-0.25"), .string("abc"), .string("1e"), .string("Infinity")], from: .varchar, to: .double)
            == [.double(1500), .double(-0.25), N, N, .double(.infinity)])
        let d = SQLType.decimal(precision: 5, scale: 2)
        #expect(try cast([.string("1.235"), .string("-7"), .string("1234.5"), .string("1.2.3")], from: .varchar, to: d)
            == [.decimal(unscaled: 124, scale: 2), .decimal(unscaled: -700, scale: 2), N, N])
        #expect(try cast([.string("TRUE"), .string("f"), .string("yes"), .string("maybe")], from: .varchar, to: .boolean) == [T, F, T, N])
    }

    @Test func textToTimestampsAndDates() throws {
        #expect(try cast([.string("1969-12-31 23:59:59.999"), .string("2024-02-30"), .string("noon")], from: .varchar, to: .timestamp3)
            == [.timestamp(-1), .timestamp(TimeFormat.parseTimestamp("2024-03-01")!), N])
        #expect(try cast([.string("1969-12-31"), .string("31.12.1969")], from: .varchar, to: .date) == [.date(-1), N])
    }

    @Test func numericConversions() throws {
        #expect(try cast([.double(2.9), .double(-2.9), .double(.nan), .double(1e30)], from: .double, to: .bigint) == [.int(2), .int(-2), N, N])
        let d = SQLType.decimal(precision: 10, scale: 2)
        #expect(try cast([.decimal(unscaled: -199, scale: 2)], from: d, to: .bigint) == [.int(-1)])
        #expect(try cast([.decimal(unscaled: -199, scale: 2)], from: d, to: .double) == [.double(-1.99)])
        #expect(try cast([.double(1.005), .double(2.5)], from: .double, to: .decimal(precision: 10, scale: 1)) == [.decimal(unscaled: 10, scale: 1), .decimal(unscaled: 25, scale: 1)])
        #expect(try cast([.decimal(unscaled: 125, scale: 2)], from: d, to: .decimal(precision: 10, scale: 1)) == [.decimal(unscaled: 13, scale: 1)])
        #expect(try cast([.int(7), .int(Int64(Int32.max) + 1)], from: .bigint, to: .integer) == [.int(7), N])
        #expect(try cast([.int(123_456)], from: .bigint, to: .decimal(precision: 4, scale: 1)) == [N])
        #expect(try cast([.int(0), .int(3)], from: .bigint, to: .boolean) == [F, T])
    }

    @Test func toTextUsesCanonicalForms() throws {
        #expect(try cast([.int(-12), .int(Int64.min), N], from: .bigint, to: .varchar) == [.string("-12"), .string("-9223372036854775808"), N])
        #expect(try cast([.decimal(unscaled: -5, scale: 3)], from: .decimal(precision: 10, scale: 3), to: .varchar) == [.string("-0.005")])
        #expect(try cast([.double(1.5), .double(3)], from: .double, to: .varchar) == [.string("1.5"), .string("3.0")])
        #expect(try cast([.timestamp(-1)], from: .timestamp3, to: .varchar) == [.string("1969-12-31 23:59:59.999")])
        #expect(try cast([.date(19_783)], from: .date, to: .varchar) == [.string("2024-03-01")])
        #expect(try cast([T, F], from: .boolean, to: .varchar) == [.string("TRUE"), .string("FALSE")])
    }

    @Test func timestampsAndDates() throws {
        #expect(try cast([.timestamp(-1), .timestamp(86_400_000)], from: .timestamp3, to: .date) == [.date(-1), .date(1)])
        #expect(try cast([.date(-1)], from: .date, to: .timestamp3) == [.timestamp(-86_400_000)])
    }

    @Test func unsupportedCastsAreRejectedAtCompileTime() {
        #expect(throws: SQLError.self) { try ExpressionCompiler.compile(.cast(col(0, .boolean), to: .timestamp3)) }
    }
}
