/// Durations written as text in connector options, `SET` values and command-line flags
/// (`'timeout'`, `'sink.retry-timeout'`, `'table.exec.state.ttl'`, `execution.checkpointing.interval`,
/// `--checkpoint-interval`), read the way Flink reads them.
///
/// The text is a number, optional spaces, and a unit, case-insensitive: `500 ms`, `2 s`, `2s`,
/// `1 min`, `10 m`, `1 h`, `1 d`, or a long name (`2 seconds`, `1 hour`). A bare number is
/// milliseconds. Flink's `ns` and `us` units are accepted too; a duration is kept in whole
/// milliseconds, so anything finer is dropped. A fraction (`0.5 s`) is accepted as well.
public enum DurationText {
    /// Milliseconds per unit, every spelling Flink's `TimeUtils` accepts.
    private static let units: [String: Double] = {
        var units: [String: Double] = [:]
        let spellings: [(Double, [String])] = [
            (1e-6, ["ns", "nano", "nanos", "nanosecond", "nanoseconds"]),
            (1e-3, ["us", "µs", "micro", "micros", "microsecond", "microseconds"]),
            (1, ["", "ms", "milli", "millis", "millisecond", "milliseconds"]),
            (1_000, ["s", "sec", "secs", "second", "seconds"]),
            (60_000, ["m", "min", "mins", "minute", "minutes"]),
            (3_600_000, ["h", "hour", "hours"]),
            (86_400_000, ["d", "day", "days"]),
        ]
        for (scale, names) in spellings {
            for name in names { units[name] = scale }
        }
        return units
    }()

    /// The number of whole milliseconds `text` says.
    ///
    /// - Parameters:
    ///   - name: what the duration sets, for the error (`'sink.retry-timeout'`).
    ///   - positive: whether zero is refused too.
    /// - Throws: `invalidParameterValue` naming the text and `name` when the text is not a
    ///   duration, is negative, or is zero while `positive`.
    public static func milliseconds(_ text: String, for name: String, positive: Bool = false) throws(SQLError) -> Int64 {
        guard let millis = parse(text), !positive || millis > 0 else {
            throw SQLError(
                .invalidParameterValue, "invalid duration '\(text)' for \(name)",
                hint: "write a\(positive ? " positive" : "") number and a unit, such as '500 ms', '2 s', '1 min', '1 h' or '1 d'; "
                    + "a bare number is milliseconds")
        }
        return millis
    }

    /// Milliseconds, or nil when `text` is not a duration.
    private static func parse(_ text: String) -> Int64? {
        var rest = Substring(text.lowercased())
        while rest.first?.isWhitespace == true { rest.removeFirst() }
        while rest.last?.isWhitespace == true { rest.removeLast() }
        let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        var unit = rest.dropFirst(number.count)
        while unit.first?.isWhitespace == true { unit.removeFirst() }
        guard let value = Double(number), let scale = units[String(unit)] else { return nil }
        let millis = (value * scale).rounded(.towardZero)
        guard millis < 9e15 else { return nil }
        return Int64(millis)
    }
}
