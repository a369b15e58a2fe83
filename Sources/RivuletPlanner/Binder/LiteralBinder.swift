public import RivuletCore
import RivuletSQL

/// Gives literals their Flink SQL types: integers INT (or BIGINT when they do not fit),
/// `1.25` DECIMAL(3, 2), `1.5E3` DOUBLE.
enum LiteralBinder {
    static func bind(_ literal: Literal) throws(SQLError) -> BoundExpr {
        switch literal.value {
        case .null:
            return .literal(.null, .null)
        case .boolean(let b):
            return .literal(.boolean(b), .boolean)
        case .string(let s):
            return .literal(.string(s), .varchar)
        case .number(let text):
            return try number(text, at: literal.span)
        case .interval(let interval):
            if let months = interval.months { return .literal(.intervalMonths(months), .intervalYearMonth) }
            guard let ms = interval.milliseconds else {
                throw SQLError(SQLState("22007"), "invalid interval literal '\(interval.value)'", at: literal.span)
            }
            return .literal(.interval(milliseconds: ms), .intervalDayTime)
        case .timestamp(let text):
            guard let ms = TimeFormat.parseTimestamp(text) else {
                throw SQLError(SQLState("22007"), "invalid TIMESTAMP literal '\(text)'", at: literal.span,
                               hint: "write it as 'YYYY-MM-DD HH:MM:SS[.fff]'")
            }
            return .literal(.timestamp(ms), .timestamp3)
        case .date(let text):
            guard let days = TimeFormat.parseDate(text) else {
                throw SQLError(SQLState("22007"), "invalid DATE literal '\(text)'", at: literal.span, hint: "write it as 'YYYY-MM-DD'")
            }
            return .literal(.date(days), .date)
        case .time:
            throw SQLError.unsupported("TIME literals are not supported", at: literal.span)
        }
    }

    static func number(_ text: String, at span: SourceSpan) throws(SQLError) -> BoundExpr {
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            if let v = Int64(text) {
                return .literal(.int(v), v <= Int64(Int32.max) ? .integer : .bigint)
            }
        } else if !text.contains(where: { $0 == "e" || $0 == "E" }), let dot = text.firstIndex(of: ".") {
            let scale = text.distance(from: dot, to: text.endIndex) - 1
            let digits = text.filter { $0 != "." }.drop(while: { $0 == "0" })
            if scale <= DecimalFormat.maxPrecision, digits.count <= DecimalFormat.maxPrecision, let unscaled = DecimalFormat.parse(text, scale: scale) {
                return .literal(.decimal(unscaled: unscaled, scale: scale), .decimal(precision: max(digits.count, scale, 1), scale: scale))
            }
        }
        guard let d = Double(text) else {
            throw SQLError(.syntaxError, "invalid number '\(text)'", at: span)
        }
        return .literal(.double(d), .double)
    }
}
