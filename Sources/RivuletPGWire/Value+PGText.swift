public import RivuletCore

extension Value {
    /// The value in Postgres text format, or nil for NULL: booleans `t`/`f`, timestamps
    /// `YYYY-MM-DD HH:MM:SS.mmm`, doubles in shortest form without a trailing `.0`.
    public var pgText: String? {
        switch self {
        case .null: return nil
        case .boolean(let b): return b ? "t" : "f"
        case .int(let i): return String(i)
        case .double(let d): return Self.doubleText(d)
        case .decimal(let unscaled, let scale): return DecimalFormat.text(unscaled: unscaled, scale: scale)
        case .string(let s): return s
        case .timestamp(let ms): return TimeFormat.timestampText(ms)
        case .date(let days): return TimeFormat.dateText(days)
        case .interval(let ms): return Self.intervalText(milliseconds: ms)
        case .intervalMonths(let months): return Self.intervalText(months: months)
        case .array, .map, .row: return pgText(as: .null)
        }
    }

    /// The value in Postgres text format for a column of `type`: arrays as Postgres array
    /// literals (`{1,2,NULL}`, elements quoted when needed), ROW and MAP as `json`.
    public func pgText(as type: SQLType) -> String? {
        switch self {
        case .null: return nil
        case .array(let elements):
            let elementType: SQLType = if case .array(let t) = type { t } else { .null }
            return PostgresArrayText.text(elements) { $0.pgText(as: elementType) }
        case .map, .row: return ValueJSON.text(self, type: type)
        default: return pgText
        }
    }

    private static func doubleText(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        let text = "\(d)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// Postgres' default `IntervalStyle` (postgres): `1 day 02:03:04.5`.
    private static func intervalText(milliseconds: Int64) -> String {
        let negative = milliseconds < 0
        let magnitude = milliseconds.magnitude
        let days = magnitude / 86_400_000
        let rest = magnitude % 86_400_000
        let sign = negative ? "-" : ""
        var time = "\(sign)\(pad(rest / 3_600_000)):\(pad(rest / 60_000 % 60)):\(pad(rest / 1000 % 60))"
        if rest % 1000 != 0 {
            var fraction = String(rest % 1000)
            fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            time += "." + fraction
        }
        guard days > 0 else { return time }
        let dayText = "\(sign)\(days) day\(days == 1 ? "" : "s")"
        return rest == 0 ? dayText : dayText + " " + time
    }

    private static func intervalText(months: Int64) -> String {
        let years = months / 12
        let rest = months % 12
        var parts: [String] = []
        if years != 0 { parts.append("\(years) year\(abs(years) == 1 ? "" : "s")") }
        if rest != 0 || years == 0 { parts.append("\(rest) mon\(abs(rest) == 1 ? "" : "s")") }
        return parts.joined(separator: " ")
    }

    private static func pad(_ value: UInt64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
