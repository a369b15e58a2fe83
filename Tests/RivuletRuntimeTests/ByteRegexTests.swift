@testable import RivuletRuntime
import Testing

@Suite struct ByteRegexTests {
    /// The capture offsets Swift's Regex finds: the same backtracking choices as Java's for
    /// these patterns, so the byte machine must agree with it offset for offset.
    static func swiftCaptures(_ pattern: String, _ text: String) throws -> [Int] {
        guard let match = try text.firstMatch(of: Regex(pattern)) else { return [] }
        var offsets: [Int] = []
        for index in 0..<match.output.count {
            if let range = match.output[index].range {
                offsets += [text.utf8.distance(from: text.startIndex, to: range.lowerBound),
                            text.utf8.distance(from: text.startIndex, to: range.upperBound)]
            } else {
                offsets += [-1, -1]
            }
        }
        return offsets
    }

    static func machineCaptures(_ regex: ByteRegex, _ text: String) -> [Int]? {
        Array(text.utf8).withUnsafeBufferPointer { regex.firstMatch(in: $0) }
    }

    static let patterns = [
        "(&|^)channel_id=([^&]*)", "query=([0-9]+)", "a|ab|abc", "(a|ab)(c|bcd)(d*)", "(a+)(a*?)b",
        "x(y)?z", "([a-c]+)-(\\d{2,3})", "\\w+@\\w+\\.com", "\\bfoo\\b", "\\Bar", "a{2}", "a{1,3}?b",
        "(?:ab)+c", "[^aeiou\\s]+", "[a-]+", "[\\]x]+", "^(.)(.)", "(a|b)*c", "colou?r", ".*=", ".*?=",
        "((a)|b)+", "[.]+", "\\.\\*\\?", "\\t|\\n", "[A-Z][a-z]*",
    ]
    static let texts = [
        "", "a", "abc", "abcd", "aab", "aaab", "xz", "xyz", "xyyz", "abc-12", "zz-1234 b-99", "ann@nexmark.com",
        "foo", "a foo.", "foobar", "bar", "ar", "aaaab", "ababc", "query=1&channel_id=77", "https://www.nexmark.com/x/item.htm?query=1",
        "channel_id=5&x", "color colour", "k=v=w", "ba", "bbc", "...*?", "a\tb", "Hello World", "-a-", "]x]",
    ]

    @Test func agreesWithBacktrackingOnEveryPatternAndText() throws {
        for pattern in Self.patterns {
            let regex = try #require(ByteRegex(pattern), "\(pattern) should compile")
            for text in Self.texts {
                let expected = try Self.swiftCaptures(pattern, text)
                #expect(Self.machineCaptures(regex, text) == expected, "\(pattern) on \(text)")
            }
        }
    }

    @Test func dollarEndsTheInputOrItsFinalLineTerminatorAsInJava() throws {
        let regex = try #require(ByteRegex("a$"))
        #expect(Self.machineCaptures(regex, "ba") == [1, 2])
        #expect(Self.machineCaptures(regex, "a\n") == [0, 1])
        #expect(Self.machineCaptures(regex, "a\r\n") == [0, 1])
        #expect(Self.machineCaptures(regex, "a\r") == [0, 1])
        #expect(Self.machineCaptures(regex, "a\n\n") == [])
        #expect(Self.machineCaptures(regex, "ab") == [])
    }

    @Test func replacingSearchesOnPastEmptyMatchesAsJavaDoes() throws {
        func replaced(_ pattern: String, _ text: String, _ replacement: String) throws -> String? {
            let regex = try #require(ByteRegex(pattern))
            return Array(text.utf8).withUnsafeBufferPointer { value in
                Array(replacement.utf8).withUnsafeBufferPointer { regex.replacingAll(in: value, with: $0) }
            }.map { String(decoding: $0, as: UTF8.self) }
        }
        // String.replaceAll in Java: "abc".replaceAll("x*", "-") is "-a-b-c-".
        #expect(try replaced("x*", "abc", "-") == "-a-b-c-")
        #expect(try replaced("[aeiou]", "education", "*") == "*d*c*t**n")
        #expect(try replaced("^(.)(.)", "glqx", "$2$1") == "$2$1qx")
        #expect(try replaced("b*", "abba", "-") == "-a--a-")
    }

    @Test func leavesWhatItDoesNotRunToSwiftsRegex() {
        for pattern in ["(?i)abc", "(?<name>a)", "(a)\\1", "a++", "a*+", "(?=a)", "[[a]b]", "[a&&b]", "\\p{L}", "\\Qa\\E", "é", "(a*)*", "a{2", "x{,3}", "\\x41"] {
            #expect(ByteRegex(pattern) == nil, "\(pattern)")
        }
        // Input past ASCII goes to Swift's Regex too.
        let regex = ByteRegex("a")!
        #expect(Self.machineCaptures(regex, "é a") == nil)
    }
}
