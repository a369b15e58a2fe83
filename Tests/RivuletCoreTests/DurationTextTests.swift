import RivuletCore
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("500 ms", 500), ("500ms", 500), ("500", 500), (" 42 ", 42), ("0", 0),
        ("2 s", 2_000), ("2s", 2_000), ("2 sec", 2_000), ("2 secs", 2_000), ("2 seconds", 2_000), ("1 second", 1_000),
        ("1 min", 60_000), ("10 m", 600_000), ("10m", 600_000), ("3 mins", 180_000), ("1 minute", 60_000), ("5 minutes", 300_000),
        ("1 h", 3_600_000), ("2 hours", 7_200_000), ("1 hour", 3_600_000),
        ("1 d", 86_400_000), ("2 days", 172_800_000), ("1 day", 86_400_000),
        ("7 millis", 7), ("7 milliseconds", 7), ("7 milli", 7),
        ("2500 us", 2), ("3000000 ns", 3), ("5 µs", 0),
        ("1 MIN", 60_000), ("2 S", 2_000), ("0.5 s", 500), ("1.5 h", 5_400_000),
    ] as [(String, Int64)])
    func readsFlinkDurations(_ text: String, _ milliseconds: Int64) throws {
        #expect(try DurationText.milliseconds(text, for: "'x'") == milliseconds)
    }

    @Test(arguments: ["", "s", "ms", "1 fortnight", "-1 s", "1 s 2", "ten s", "1..5 s", "1e3", "99999999999 d"])
    func refusesWhatIsNotADuration(_ text: String) {
        #expect(throws: SQLError(
            .invalidParameterValue, "invalid duration '\(text)' for 'sink.retry-timeout'",
            hint: "write a number and a unit, such as '500 ms', '2 s', '1 min', '1 h' or '1 d'; a bare number is milliseconds"
        )) {
            try DurationText.milliseconds(text, for: "'sink.retry-timeout'")
        }
    }

    @Test func zeroIsRefusedWhereADurationMustBePositive() throws {
        #expect(try DurationText.milliseconds("0 s", for: "'x'") == 0)
        let error = #expect(throws: SQLError.self) { try DurationText.milliseconds("0 s", for: "the checkpoint interval", positive: true) }
        #expect(error?.message == "invalid duration '0 s' for the checkpoint interval")
        #expect(error?.hint?.hasPrefix("write a positive number and a unit") == true)
        #expect(try DurationText.milliseconds("1", for: "'x'", positive: true) == 1)
    }
}
