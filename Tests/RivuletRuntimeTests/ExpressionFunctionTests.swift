import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct ExpressionStringTests {
    @Test func upperAndLowerHandleAsciiAndUnicode() throws {
        #expect(try eval(fn(.upper, .varchar, col(0, .varchar)), .varchar, [.string("abC1"), N, .string("straße é")]) == [.string("ABC1"), N, .string("STRASSE É")])
        #expect(try eval(fn(.lower, .varchar, col(0, .varchar)), .varchar, [.string("AbC"), .string("")]) == [.string("abc"), .string("")])
    }

    @Test func concatIsNullWhenAnyArgumentIsNull() throws {
        let rows: [[Value]] = [[.string("a"), .string("b")], [.string("a"), N]]
        #expect(try eval(fn(.concat, .varchar, col(0, .varchar), lit(.string("-"), .varchar), col(1, .varchar)), [.varchar, .varchar], rows) == [.string("a-b"), N])
        #expect(try eval(fn(.concat, .varchar, col(0, .bigint), lit(.string("x"), .varchar)), .bigint, [.int(-4)]) == [.string("-4x")])
    }

    @Test func charLengthCountsCharacters() throws {
        #expect(try eval(fn(.charLength, .integer, col(0, .varchar)), .varchar, [.string("héllo"), .string(""), N]) == [.int(5), .int(0), N])
    }

    @Test func trimVariants() throws {
        let values: [Value] = [.string("  a b  "), N]
        #expect(try eval(fn(.trim, .varchar, col(0, .varchar)), .varchar, values) == [.string("a b"), N])
        #expect(try eval(fn(.ltrim, .varchar, col(0, .varchar)), .varchar, values) == [.string("a b  "), N])
        #expect(try eval(fn(.rtrim, .varchar, col(0, .varchar)), .varchar, values) == [.string("  a b"), N])
        #expect(try eval(fn(.trim, .varchar, col(0, .varchar), lit(.string("xé"), .varchar)), .varchar, [.string("éxaxé")]) == [.string("a")])
    }

    @Test func substringIsOneBasedInCharacters() throws {
        let s = [Value.string("héllo")]
        func sub(_ start: Int64, _ length: Int64? = nil) throws -> Value {
            var args = [col(0, .varchar), lit(.int(start), .integer)]
            if let length { args.append(lit(.int(length), .integer)) }
            return try eval(.call(.substring, args, .varchar), .varchar, s)[0]
        }
        #expect(try sub(2) == .string("éllo"))
        #expect(try sub(2, 2) == .string("él"))
        #expect(try sub(1, 100) == .string("héllo"))
        #expect(try sub(9) == .string(""))
        #expect(try sub(-3) == .string("llo"))
        #expect(try sub(0, 2) == .string("hé"))
        #expect(try sub(2, -1) == N)
    }

    @Test func splitIndexIsZeroBasedAndNullOutOfRange() throws {
        func split(_ index: Int64) throws -> Value {
            try eval(fn(.splitIndex, .varchar, col(0, .varchar), lit(.string(","), .varchar), lit(.int(index), .integer)), .varchar, [.string("a,,b")])[0]
        }
        #expect(try split(0) == .string("a"))
        #expect(try split(1) == .string(""))
        #expect(try split(2) == .string("b"))
        #expect(try split(3) == N)
        #expect(try split(-1) == N)
    }

    @Test func replaceAndPosition() throws {
        #expect(try eval(fn(.replace, .varchar, col(0, .varchar), lit(.string("ab"), .varchar), lit(.string("X"), .varchar)), .varchar, [.string("abcabd"), N]) == [.string("XcXd"), N])
        #expect(try eval(fn(.position, .integer, lit(.string("lo"), .varchar), col(0, .varchar)), .varchar, [.string("héllo"), .string("x")]) == [.int(4), .int(0)])
    }
}

@Suite struct ExpressionLikeTests {
    func like(_ pattern: String, _ values: [String?], escape: String? = nil) throws -> [Value] {
        var args = [col(0, .varchar), lit(.string(pattern), .varchar)]
        if let escape { args.append(lit(.string(escape), .varchar)) }
        return try eval(.call(.like, args, .boolean), .varchar, values.map { $0.map(Value.string) ?? .null })
    }

    @Test func wildcardsMatchCharacters() throws {
        #expect(try like("a%", ["abc", "a", "ba", nil]) == [T, T, F, N])
        #expect(try like("%c", ["abc", "c", "ca"]) == [T, T, F])
        #expect(try like("%b%", ["abc", "b", "ac"]) == [T, T, F])
        #expect(try like("a_c", ["abc", "aéc", "ac", "abbc"]) == [T, T, F, F])
        #expect(try like("%a%b_c%", ["xxaybzcq", "ab", "aabxc", "abc"]) == [T, F, T, F])
        #expect(try like("", ["", "a"]) == [T, F])
        #expect(try like("%", ["", "anything"]) == [T, T])
        #expect(try like("abc", ["abc", "ABC"]) == [T, F])
    }

    @Test func escapeMakesWildcardsLiteral() throws {
        #expect(try like("10!%", ["10%", "100"], escape: "!") == [T, F])
        #expect(try like("a!_b", ["a_b", "axb"], escape: "!") == [T, F])
        #expect(throws: SQLError.self) { try like("abc!", ["abc"], escape: "!") }
    }

    @Test func perRowPatterns() throws {
        let expr = fn(.like, .boolean, col(0, .varchar), col(1, .varchar))
        let rows: [[Value]] = [[.string("abc"), .string("a%")], [.string("abc"), .string("b%")], [.string("abc"), N]]
        #expect(try eval(expr, [.varchar, .varchar], rows) == [T, F, N])
    }
}

@Suite struct ExpressionMathTests {
    @Test func absRoundFloorCeil() throws {
        #expect(try eval(fn(.abs, .bigint, col(0, .bigint)), .bigint, [.int(-3), .int(4), N]) == [.int(3), .int(4), N])
        #expect(try eval(fn(.round, .double, col(0, .double)), .double, [.double(2.5), .double(-2.5), .double(1.4)]) == [.double(3), .double(-3), .double(1)])
        #expect(try eval(fn(.round, .double, col(0, .double), lit(.int(1), .integer)), .double, [.double(1.25)]) == [.double(1.3)])
        let d2 = SQLType.decimal(precision: 10, scale: 2)
        let d1 = SQLType.decimal(precision: 10, scale: 1)
        #expect(try eval(fn(.round, d1, col(0, d2), lit(.int(1), .integer)), d2, [.decimal(unscaled: 125, scale: 2), .decimal(unscaled: -125, scale: 2)])
            == [.decimal(unscaled: 13, scale: 1), .decimal(unscaled: -13, scale: 1)])
        #expect(try eval(fn(.round, .bigint, col(0, .bigint), lit(.int(-2), .integer)), .bigint, [.int(1250), .int(-1249)]) == [.int(1300), .int(-1200)])
        let d0 = SQLType.decimal(precision: 10, scale: 0)
        #expect(try eval(fn(.floor, d0, col(0, d2)), d2, [.decimal(unscaled: -125, scale: 2)]) == [.decimal(unscaled: -2, scale: 0)])
        #expect(try eval(fn(.ceil, d0, col(0, d2)), d2, [.decimal(unscaled: 101, scale: 2)]) == [.decimal(unscaled: 2, scale: 0)])
        #expect(try eval(fn(.floor, .double, col(0, .double)), .double, [.double(-1.5)]) == [.double(-2)])
    }

    @Test func powerSqrtLnExp() throws {
        #expect(try evalConstant(fn(.power, .double, lit(.double(2), .double), lit(.double(10), .double))) == .double(1024))
        #expect(try eval(fn(.sqrt, .double, col(0, .double)), .double, [.double(9), N]) == [.double(3), N])
        #expect(try evalConstant(fn(.ln, .double, lit(.double(1), .double))) == .double(0))
        #expect(try evalConstant(fn(.exp, .double, lit(.double(0), .double))) == .double(1))
        guard case .double(let nan) = try evalConstant(fn(.sqrt, .double, lit(.double(-1), .double))) else { Issue.record("not a double"); return }
        #expect(nan.isNaN)
    }
}

@Suite struct ExpressionTimeTests {
    let ts = SQLType.timestamp3

    func extract(_ field: String, _ text: String) throws -> Value {
        try eval(fn(.extract, .bigint, lit(.string(field), .varchar), col(0, ts)), ts, [.timestamp(TimeFormat.parseTimestamp(text)!)])[0]
    }

    @Test func extractFields() throws {
        let t = "2024-02-29 13:45:56.789"
        #expect(try extract("YEAR", t) == .int(2024))
        #expect(try extract("MONTH", t) == .int(2))
        #expect(try extract("DAY", t) == .int(29))
        #expect(try extract("HOUR", t) == .int(13))
        #expect(try extract("MINUTE", t) == .int(45))
        #expect(try extract("SECOND", t) == .int(56))
        #expect(try extract("MILLISECOND", t) == .int(56_789))
        #expect(try extract("DOW", t) == .int(5))  // Thursday
        #expect(try extract("DOY", t) == .int(60))
        #expect(try extract("WEEK", t) == .int(9))
        #expect(try extract("QUARTER", t) == .int(1))
        #expect(try extract("EPOCH", "1970-01-01 00:01:00") == .int(60))
        #expect(try extract("WEEK", "2021-01-03 00:00:00") == .int(53))
    }

    @Test func extractBeforeTheEpoch() throws {
        let t = "1969-12-31 23:59:59.999"
        #expect(try extract("YEAR", t) == .int(1969))
        #expect(try extract("DAY", t) == .int(31))
        #expect(try extract("HOUR", t) == .int(23))
        #expect(try extract("SECOND", t) == .int(59))
        #expect(try extract("DOW", t) == .int(4))  // Wednesday
        #expect(try extract("EPOCH", t) == .int(-1))
        #expect(try eval(fn(.extract, .bigint, lit(.string("YEAR"), .varchar), col(0, .date)), .date, [.date(-1), N]) == [.int(1969), N])
    }

    @Test func dateFormatUsesJavaPatternLetters() throws {
        let ms = TimeFormat.parseTimestamp("1965-03-07 04:05:06.007")!
        func format(_ pattern: String) throws -> Value {
            try eval(fn(.dateFormat, .varchar, col(0, ts), lit(.string(pattern), .varchar)), ts, [.timestamp(ms)])[0]
        }
        #expect(try format("yyyy-MM-dd HH:mm:ss") == .string("1965-03-07 04:05:06"))
        #expect(try format("yyyyMMdd'T'HHmmss.SSS") == .string("19650307T040506.007"))
        #expect(try format("yy/M/d h a ''") == .string("65/3/7 4 AM '"))
        #expect(try format("EEE MMM") == .string("Sun Mar"))
        #expect(throws: SQLError.self) { try format("yyyy-qq") }
    }

    @Test func toTimestampParsesWithAndWithoutFormat() throws {
        let plain = fn(.toTimestamp, ts, col(0, .varchar))
        #expect(try eval(plain, .varchar, [.string("2024-01-01 12:00:00"), .string("garbage"), N])
            == [.timestamp(1_704_110_400_000), N, N])
        let formatted = fn(.toTimestamp, ts, col(0, .varchar), lit(.string("dd/MM/yyyy HH:mm"), .varchar))
        #expect(try eval(formatted, .varchar, [.string("01/01/2024 12:00"), .string("31/02/2024 12:00"), .string("1/1/2024")])
            == [.timestamp(1_704_110_400_000), N, N])
        let compact = fn(.toTimestamp, ts, col(0, .varchar), lit(.string("yyyyMMddHHmmss"), .varchar))
        #expect(try eval(compact, .varchar, [.string("19691231235959")]) == [.timestamp(-1000)])
    }

    @Test func timestampPlusIntervals() throws {
        let base = TimeFormat.parseTimestamp("2024-01-31 10:00:00")!
        let plusDay = fn(.timestampAddInterval, ts, col(0, ts), lit(.interval(milliseconds: 86_400_000), .intervalDayTime))
        #expect(try eval(plusDay, ts, [.timestamp(base), N]) == [.timestamp(base + 86_400_000), N])
        let plusMonth = fn(.timestampAddInterval, ts, col(0, ts), lit(.intervalMonths(1), .intervalYearMonth))
        #expect(try eval(plusMonth, ts, [.timestamp(base)]) == [.timestamp(TimeFormat.parseTimestamp("2024-02-29 10:00:00")!)])
        let minusYear = fn(.timestampAddInterval, ts, col(0, ts), fn(.negate, .intervalYearMonth, lit(.intervalMonths(12), .intervalYearMonth)))
        #expect(try eval(minusYear, ts, [.timestamp(TimeFormat.parseTimestamp("1970-03-01 00:00:00")!)]) == [.timestamp(TimeFormat.parseTimestamp("1969-03-01 00:00:00")!)])
    }

    @Test func currentTimestampReadsTheClockOncePerBatch() throws {
        let compiled = try ExpressionCompiler.compile(fn(.currentTimestamp, ts), clock: { 1_000 })
        let out = try compiled.evaluate(batch([.bigint], [[.int(1)], [.int(2)]]))
        #expect(out.ints == [1_000, 1_000])
        #expect(compiled.constant == nil)
    }
}
