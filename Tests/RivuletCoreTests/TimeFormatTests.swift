import RivuletCore
import Testing

@Suite struct TimeFormatTests {
    @Test func parsesAndPrintsMillisecondTimestamps() {
        let ms = TimeFormat.parseTimestamp("2024-01-01 12:00:00.040")
        #expect(ms == 1_704_110_400_040)
        #expect(TimeFormat.timestampText(1_704_110_400_040) == "2024-01-01 12:00:00.040")
    }

    @Test func acceptsShortFormsAndT() {
        #expect(TimeFormat.parseTimestamp("2024-01-01T12:00") == 1_704_110_400_000)
        #expect(TimeFormat.parseTimestamp("2024-01-01") == 1_704_067_200_000)
        #expect(TimeFormat.parseTimestamp("2024-01-01 12:00:00.5") == 1_704_110_400_500)
    }

    @Test func rejectsMalformedText() {
        #expect(TimeFormat.parseTimestamp("2024-13-01 00:00:00") == nil)
        #expect(TimeFormat.parseTimestamp("yesterday") == nil)
        #expect(TimeFormat.parseTimestamp("2024-01-01 12:00:00.") == nil)
    }

    @Test func handlesTimesBeforeTheEpoch() {
        let ms = TimeFormat.parseTimestamp("1969-12-31 23:59:59.999")
        #expect(ms == -1)
        #expect(TimeFormat.timestampText(-1) == "1969-12-31 23:59:59.999")
    }

    @Test func decimalsRoundTripThroughText() {
        #expect(DecimalFormat.parse("36895.57", scale: 2) == 3_689_557)
        #expect(DecimalFormat.parse("-1.005", scale: 2) == -101)
        #expect(DecimalFormat.text(unscaled: -101, scale: 2) == "-1.01")
        #expect(DecimalFormat.text(unscaled: 5, scale: 3) == "0.005")
        #expect(DecimalFormat.parse("1.2.3", scale: 2) == nil)
    }
}
