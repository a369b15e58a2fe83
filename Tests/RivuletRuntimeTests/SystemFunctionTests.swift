import RivuletCore
import RivuletPlanner
import RivuletRuntime
import Testing

@Suite struct SystemFunctionTests {
    @Test func overlayKeepsTheTailOnlyWhenTheReplacedPartEndsInside() throws {
        func overlay(_ s: String, _ r: String, _ start: Int64, _ length: Int64? = nil) throws -> Value {
            var args = [lit(.string(s), .varchar), lit(.string(r), .varchar), lit(.int(start), .bigint)]
            if let length { args.append(lit(.int(length), .bigint)) }
            return try evalConstant(.call(.overlay, args, .varchar))
        }
        #expect(try overlay("Hello", "XY", 2) == .string("HXYlo"))
        #expect(try overlay("Hello", "XY", 2, 0) == .string("HXY"))
        #expect(try overlay("abc", "Z", 7) == .string("abc"))
        #expect(try overlay("abc", "Z", 0) == .string("abc"))
        #expect(try overlay("abcdef", "Z", 3, 100) == .string("abZ"))
        #expect(try overlay("äöü", "ß", 2, 1) == .string("äßü"))
    }

    @Test func padCutsOrFillsAndIsNullForNegativeLengthsAndEmptyPads() throws {
        func pad(_ function: ScalarFunction, _ s: String, _ length: Int64, _ with: String) throws -> Value {
            try evalConstant(.call(function, [lit(.string(s), .varchar), lit(.int(length), .bigint), lit(.string(with), .varchar)], .varchar))
        }
        #expect(try pad(.leftPad, "hi", 5, "ab") == .string("abahi"))
        #expect(try pad(.rightPad, "hi", 5, "ab") == .string("hiaba"))
        #expect(try pad(.leftPad, "hello", 2, "?") == .string("he"))
        #expect(try pad(.rightPad, "hi", -1, "?") == N)
        #expect(try pad(.leftPad, "hi", 4, "") == N)
        #expect(try pad(.leftPad, "hi", 2, "") == .string("hi"))
    }

    @Test func locateSearchesFromACharacterPosition() throws {
        func locate(_ needle: String, _ haystack: String, _ from: Int64) throws -> Value {
            try evalConstant(.call(.position, [lit(.string(needle), .varchar), lit(.string(haystack), .varchar), lit(.int(from), .bigint)], .integer))
        }
        #expect(try locate("a", "banana", 3) == .int(4))
        #expect(try locate("a", "banana", -5) == .int(2))
        #expect(try locate("a", "banana", 7) == .int(0))
        #expect(try locate("", "banana", 40) == .int(1))
        #expect(try locate("ü", "üaü", 2) == .int(3))
    }

    @Test func translateDropsCharactersWithoutACounterpart() throws {
        let call = BoundExpr.call(.translate, [lit(.string("hello"), .varchar), lit(.string("elo"), .varchar), lit(.string("i"), .varchar)], .varchar)
        #expect(try evalConstant(call) == .string("hi"))
    }

    @Test func digestsOfKnownVectors() throws {
        func digest(_ function: ScalarFunction, _ text: String) throws -> Value {
            try evalConstant(.call(function, [lit(.string(text), .varchar)], .varchar))
        }
        #expect(try digest(.md5, "") == .string("d41d8cd98f00b204e9800998ecf8427e"))
        #expect(try digest(.sha224, "abc") == .string("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"))
        // Two blocks of padding (56 bytes and more).
        #expect(try digest(.sha224, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == .string("75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525"))
        #expect(throws: SQLError.self) {
            try evalConstant(.call(.sha2, [lit(.string("abc"), .varchar), lit(.int(100), .bigint)], .varchar))
        }
    }

    @Test func truncateCutsTheDecimalForm() throws {
        func truncate(_ x: Double, _ digits: Int64) throws -> Value {
            try evalConstant(.call(.truncate, [lit(.double(x), .double), lit(.int(digits), .bigint)], .double))
        }
        #expect(try truncate(0.29, 2) == .double(0.29))
        #expect(try truncate(-0.5, 0) == .double(0))
        #expect(try truncate(123456.789, -2) == .double(123400))
        #expect(try truncate(1e-7, 3) == .double(0))
    }

    @Test func monthsBetweenCountWholeMonthsTowardZero() throws {
        func diff(_ unit: String, _ a: String, _ b: String) throws -> Value {
            let from = lit(.string(a), .varchar), to = lit(.string(b), .varchar)
            return try evalConstant(.call(.timestampDiff, [lit(.string(unit), .varchar), .cast(from, to: .timestamp3), .cast(to, to: .timestamp3)], .integer))
        }
        #expect(try diff("MONTH", "2024-01-31 12:00:00", "2024-02-29 06:00:00") == .int(0))
        #expect(try diff("MONTH", "2024-01-31 12:00:00", "2024-02-29 12:00:00") == .int(1))
        #expect(try diff("MONTH", "2024-02-29 12:00:00", "2024-01-31 12:00:00") == .int(-1))
        #expect(try diff("YEAR", "2020-02-29 00:00:00", "2024-02-28 00:00:00") == .int(3))
        #expect(try diff("DAY", "2024-01-02 00:00:00", "2024-01-01 00:00:01") == .int(0))
    }
}
