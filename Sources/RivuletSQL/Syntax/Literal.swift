public import RivuletCore

/// A constant written in the SQL text.
public struct Literal: Hashable, Sendable {
    public var value: LiteralValue
    @IgnoredSpan public var span: SourceSpan

    public init(_ value: LiteralValue, span: SourceSpan = .unknown) {
        self.value = value
        self.span = span
    }
}

/// The value of a literal, kept as written so the binder chooses its exact type.
public enum LiteralValue: Hashable, Sendable {
    /// Digits as written: `42`, `0.908`, `1.5E3` (always non-negative; `-1` is a unary minus).
    case number(String)
    case string(String)
    case boolean(Bool)
    case null
    /// `INTERVAL '10' SECOND`, `INTERVAL '1:30' MINUTE TO SECOND`
    case interval(IntervalLiteral)
    /// `TIMESTAMP '2024-01-01 00:00:00'` (the text between the quotes)
    case timestamp(String)
    /// `DATE '2024-01-01'`
    case date(String)
    /// `TIME '12:00:00'`
    case time(String)

    /// Whether a `.number` has no fraction or exponent.
    public var isIntegerNumber: Bool {
        if case .number(let text) = self { return text.allSatisfy(\.isASCIIDigit) }
        return false
    }
}

/// `INTERVAL 'value' unit [TO unit]`. `value` is the quoted text, e.g. `'10'`, `'-2'`, `'1:30'`.
public struct IntervalLiteral: Hashable, Sendable {
    public var value: String
    public var unit: DateTimeField
    /// The trailing field of `MINUTE TO SECOND` and the like.
    public var toUnit: DateTimeField?

    public init(value: String, unit: DateTimeField, toUnit: DateTimeField? = nil) {
        self.value = value
        self.unit = unit
        self.toUnit = toUnit
    }

    /// Day-time intervals in milliseconds (`nil` for year-month intervals or text that does not parse).
    /// Handles a single field (`'10' SECOND`, `'1.5' SECOND`) and `'d h:m:s'`-style multi-field values.
    public var milliseconds: Int64? {
        var text = Substring(value.trimmingSpaces)
        var sign: Int64 = 1
        if text.first == "-" { sign = -1; text = text.dropFirst() } else if text.first == "+" { text = text.dropFirst() }
        let fields: [DateTimeField] = [.day, .hour, .minute, .second]
        guard let first = fields.firstIndex(of: unit) else { return nil }
        let last = toUnit.flatMap { fields.firstIndex(of: $0) } ?? first
        guard last >= first else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == ":" }).map(String.init)
        guard parts.count == last - first + 1 else { return nil }
        var total: Int64 = 0
        for (i, part) in parts.enumerated() {
            let field = fields[first + i]
            if field == .second, let seconds = Double(part), seconds.isFinite, abs(seconds) < 1e15 {
                total += Int64((seconds * 1000).rounded())
            } else if let n = Int64(part), let ms = field.milliseconds {
                let (product, overflow) = n.multipliedReportingOverflow(by: ms)
                guard !overflow else { return nil }
                total += product
            } else {
                return nil
            }
        }
        return sign * total
    }

    /// Year-month intervals in months (`nil` for day-time intervals).
    public var months: Int64? {
        let text = value.trimmingSpaces
        switch (unit, toUnit) {
        case (.year, nil): return Int64(text).map { $0 * 12 }
        case (.month, nil): return Int64(text)
        case (.year, .month?):
            let negative = text.hasPrefix("-")
            let parts = text.drop(while: { $0 == "-" || $0 == "+" }).split(separator: "-")
            guard parts.count == 2, let y = Int64(parts[0]), let m = Int64(parts[1]) else { return nil }
            return (negative ? -1 : 1) * (y * 12 + m)
        default: return nil
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
