import RivuletCore
import RivuletPlanner

extension Engine {
    /// A binder over the catalog with the query options set by `SET`:
    /// `table.exec.state.ttl` (e.g. `'1 h'`, `'30 min'`, `'10 s'`, `'500 ms'`, or milliseconds).
    func queryBinder() throws(SQLError) -> QueryBinder {
        var binder = QueryBinder(catalog: catalog)
        if let text = settings["table.exec.state.ttl"] {
            guard let ms = Self.durationMillis(text) else {
                throw SQLError(.invalidParameterValue, "table.exec.state.ttl must be a duration such as '1 h' or '30 min', not '\(text)'")
            }
            binder.stateTTLMillis = ms > 0 ? ms : nil
        }
        return binder
    }

    static func durationMillis(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isNumber }
        guard let amount = Int64(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let scale: Int64
        switch unit {
        case "", "ms", "milli", "millis", "millisecond", "milliseconds": scale = 1
        case "s", "sec", "secs", "second", "seconds": scale = 1_000
        case "m", "min", "mins", "minute", "minutes": scale = 60_000
        case "h", "hour", "hours": scale = 3_600_000
        case "d", "day", "days": scale = 86_400_000
        default: return nil
        }
        let (ms, overflow) = amount.multipliedReportingOverflow(by: scale)
        return overflow ? nil : ms
    }
}
