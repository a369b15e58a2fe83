import RivuletCore

/// A Java SimpleDateFormat-style pattern (`yyyy-MM-dd HH:mm:ss.SSS`), compiled once, that
/// formats epoch milliseconds to text and parses text back.
///
/// Letters: `y` year (`yy` two digits), `M` month (`MMM` short name, `MMMM` full name),
/// `d` day, `H` hour 0–23, `h` hour 1–12, `a` AM/PM, `m` minute, `s` second,
/// `S` millisecond, `D` day of year, `E` weekday name. Text in single quotes is literal,
/// `''` is a quote; other non-letters are literal.
struct DateTimePattern: Sendable {
    enum Field: Sendable, Equatable {
        case year, month, day, hour24, hour12, amPm, minute, second, millisecond, dayOfYear, weekday
    }

    enum Token: Sendable, Equatable {
        case field(Field, width: Int)
        case literal([UInt8])
    }

    let tokens: [Token]

    static let defaultText = "yyyy-MM-dd HH:mm:ss"

    init(_ pattern: String) throws(SQLError) {
        var tokens: [Token] = []
        let chars = Array(pattern.unicodeScalars)
        var i = 0
        func addLiteral(_ text: String) {
            if case .literal(let previous) = tokens.last {
                tokens[tokens.count - 1] = .literal(previous + Array(text.utf8))
            } else {
                tokens.append(.literal(Array(text.utf8)))
            }
        }
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                if i + 1 < chars.count, chars[i + 1] == "'" {
                    addLiteral("'")
                    i += 2
                    continue
                }
                var text = ""
                i += 1
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count, chars[i + 1] == "'" {
                            text += "'"
                            i += 2
                            continue
                        }
                        break
                    }
                    text.unicodeScalars.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { throw SQLError(.invalidParameterValue, "unterminated quote in date format '\(pattern)'") }
                i += 1
                addLiteral(text)
                continue
            }
            guard c.properties.isAlphabetic, c.isASCII else {
                addLiteral(String(c))
                i += 1
                continue
            }
            var width = 1
            while i + width < chars.count, chars[i + width] == c { width += 1 }
            let field: Field
            switch c {
            case "y": field = .year
            case "M": field = .month
            case "d": field = .day
            case "H": field = .hour24
            case "h": field = .hour12
            case "a": field = .amPm
            case "m": field = .minute
            case "s": field = .second
            case "S": field = .millisecond
            case "D": field = .dayOfYear
            case "E": field = .weekday
            default: throw SQLError(.invalidParameterValue, "unsupported letter '\(c)' in date format '\(pattern)'")
            }
            tokens.append(.field(field, width: width))
            i += width
        }
        self.tokens = tokens
    }

    // MARK: Formatting

    func format(_ millis: Int64, to out: inout [UInt8]) {
        let t = CivilTime(millis: millis)
        for token in tokens {
            switch token {
            case .literal(let bytes): out.append(contentsOf: bytes)
            case .field(let field, let width):
                switch field {
                case .year:
                    if width == 2 {
                        TextWriting.appendDigits(UInt64(floorModulo(t.year, 100)), minimumWidth: 2, to: &out)
                    } else {
                        if t.year < 0 { out.append(45) }
                        TextWriting.appendDigits(t.year.magnitude, minimumWidth: width, to: &out)
                    }
                case .month:
                    if width >= 3 {
                        let name = Self.monthNames[Int(t.month - 1)]
                        TextWriting.appendString(width == 3 ? String(name.prefix(3)) : name, to: &out)
                    } else {
                        number(t.month, width, &out)
                    }
                case .day: number(t.day, width, &out)
                case .hour24: number(t.hour, width, &out)
                case .hour12: number(t.hour % 12 == 0 ? 12 : t.hour % 12, width, &out)
                case .amPm: TextWriting.appendString(t.hour < 12 ? "AM" : "PM", to: &out)
                case .minute: number(t.minute, width, &out)
                case .second: number(t.second, width, &out)
                case .millisecond: number(t.millisecond, width, &out)
                case .dayOfYear: number(t.dayOfYear, width, &out)
                case .weekday:
                    let name = Self.weekdayNames[Int(t.dayOfWeek - 1)]
                    TextWriting.appendString(width <= 3 ? String(name.prefix(3)) : name, to: &out)
                }
            }
        }
    }

    private func number(_ value: Int64, _ width: Int, _ out: inout [UInt8]) {
        TextWriting.appendDigits(UInt64(value), minimumWidth: width, to: &out)
    }

    // MARK: Parsing

    /// Epoch milliseconds, or nil when `text` does not match the pattern. With
    /// `allowingTrailingText`, text after the pattern's match is ignored (as Flink's TO_DATE does).
    func parse(_ text: UnsafeBufferPointer<UInt8>, allowingTrailingText: Bool = false) -> Int64? {
        var i = 0
        var year: Int64 = 1970, month: Int64 = 1, day: Int64 = 1
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, millis: Int64 = 0
        var pm: Bool?
        var dayOfYear: Int64?
        for (index, token) in tokens.enumerated() {
            switch token {
            case .literal(let bytes):
                guard i + bytes.count <= text.count else { return nil }
                for b in bytes {
                    guard text[i] == b else { return nil }
                    i += 1
                }
            case .field(let field, let width):
                if field == .amPm {
                    guard i + 2 <= text.count else { return nil }
                    let c = text[i] | 0x20
                    guard c == 97 || c == 112, text[i + 1] | 0x20 == 109 else { return nil }
                    pm = c == 112
                    i += 2
                    continue
                }
                if field == .weekday || (field == .month && width >= 3) {
                    guard let (value, length) = matchName(field, text, i) else { return nil }
                    if field == .month { month = value }
                    i += length
                    continue
                }
                // Adjacent numeric fields (yyyyMMdd) take exactly their width; otherwise any digits.
                var nextIsNumber = false
                if index + 1 < tokens.count, case .field(let next, _) = tokens[index + 1], next != .amPm { nextIsNumber = true }
                var negative = false
                if field == .year, i < text.count, text[i] == 45 {
                    negative = true
                    i += 1
                }
                var value: Int64 = 0
                var digits = 0
                let limit = nextIsNumber ? width : 9
                while i < text.count, digits < limit, text[i] >= 48, text[i] <= 57 {
                    value = value * 10 + Int64(text[i] - 48)
                    digits += 1
                    i += 1
                }
                guard digits > 0, !nextIsNumber || digits == width else { return nil }
                if negative { value = -value }
                switch field {
                case .year: year = width == 2 && digits == 2 ? 2000 + value : value
                case .month: month = value
                case .day: day = value
                case .hour24, .hour12: hour = value
                case .minute: minute = value
                case .second: second = value
                case .millisecond:
                    // `S` counts milliseconds; more than three digits are a finer fraction.
                    var v = value, d = digits
                    while d > 3 { v /= 10; d -= 1 }
                    millis = digits > 3 ? v : value
                case .dayOfYear: dayOfYear = value
                case .amPm, .weekday: break
                }
            }
        }
        guard i == text.count || allowingTrailingText else { return nil }
        if let pm {
            guard hour >= 1, hour <= 12 else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard month >= 1, month <= 12, day >= 1, day <= 31, hour < 24, minute < 60, second < 60, millis < 1000 else {
            return nil
        }
        var days = TimeFormat.days(year: year, month: month, day: day)
        if let dayOfYear { days = TimeFormat.days(year: year, month: 1, day: 1) + dayOfYear - 1 }
        guard TimeFormat.civil(days: days).day == day || dayOfYear != nil else { return nil }  // rejects Feb 30
        return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis
    }

    private func matchName(_ field: Field, _ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> (Int64, Int)? {
        let names = field == .month ? Self.monthNames : Self.weekdayNames
        for (index, name) in names.enumerated() {
            for candidate in [name, String(name.prefix(3))] {
                let bytes = Array(candidate.utf8)
                guard start + bytes.count <= text.count else { continue }
                var matches = true
                for (k, b) in bytes.enumerated() where text[start + k] | 0x20 != b | 0x20 {
                    matches = false
                    break
                }
                if matches { return (Int64(index + 1), bytes.count) }
            }
        }
        return nil
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]
    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
}
