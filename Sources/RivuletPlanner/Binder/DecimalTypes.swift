public import RivuletCore

/// The DECIMAL types of arithmetic and aggregates, by the rules Flink and ksqlDB share (those
/// of Hive and SQL Server): a result keeps every digit it can have, up to 38; past 38 the whole
/// digits are kept and the fraction cut, but never below 6 fraction digits. Integers take part
/// as the DECIMALs that hold them: INT as DECIMAL(10, 0), BIGINT as DECIMAL(19, 0).
public enum DecimalTypes {
    static let minimumAdjustedScale = 6

    /// The DECIMAL an operand of DECIMAL arithmetic is taken as (NULL as the smallest).
    static func operand(_ type: SQLType) -> SQLType {
        switch type {
        case .decimal: return type
        case .integer, .bigint: return .decimal(precision: type.decimalPrecision, scale: 0)
        default: return .decimal(precision: 1, scale: 0)
        }
    }

    /// `a + b` and `a - b`.
    static func sum(_ a: SQLType, _ b: SQLType) -> SQLType {
        let (p1, s1, p2, s2) = digits(a, b)
        let scale = max(s1, s2)
        return adjusted(precision: max(p1 - s1, p2 - s2) + scale + 1, scale: scale)
    }

    /// `a * b`.
    static func product(_ a: SQLType, _ b: SQLType) -> SQLType {
        let (p1, s1, p2, s2) = digits(a, b)
        return adjusted(precision: p1 + p2 + 1, scale: s1 + s2)
    }

    /// `a / b`: DECIMAL(10, 2) / INT is DECIMAL(21, 13).
    static func quotient(_ a: SQLType, _ b: SQLType) -> SQLType {
        let (p1, s1, p2, s2) = digits(a, b)
        let scale = max(minimumAdjustedScale, s1 + p2 + 1)
        return adjusted(precision: p1 - s1 + s2 + scale, scale: scale)
    }

    /// `a % b`.
    static func remainder(_ a: SQLType, _ b: SQLType) -> SQLType {
        let (p1, s1, p2, s2) = digits(a, b)
        let scale = max(s1, s2)
        return adjusted(precision: min(p1 - s1, p2 - s2) + scale, scale: scale)
    }

    /// The type both of two DECIMALs (or a DECIMAL and an integer) convert to, to be compared
    /// or to share a column: every whole digit and every fraction digit of either.
    static func common(_ a: SQLType, _ b: SQLType) -> SQLType {
        let (p1, s1, p2, s2) = digits(a, b)
        let scale = max(s1, s2)
        return adjusted(precision: max(p1 - s1, p2 - s2) + scale, scale: scale)
    }

    /// `SUM` of a DECIMAL column.
    static func aggregateSum(_ type: SQLType) -> SQLType { .decimal(precision: DecimalFormat.maxPrecision, scale: type.decimalScale) }

    /// `AVG` of a DECIMAL column.
    static func average(_ type: SQLType) -> SQLType {
        .decimal(precision: DecimalFormat.maxPrecision, scale: max(minimumAdjustedScale, type.decimalScale))
    }

    private static func digits(_ a: SQLType, _ b: SQLType) -> (Int, Int, Int, Int) {
        let (x, y) = (operand(a), operand(b))
        return (x.decimalPrecision, x.decimalScale, y.decimalPrecision, y.decimalScale)
    }

    /// DECIMAL(precision, scale), or, past 38 digits, DECIMAL(38, s) with the whole digits kept
    /// and the scale cut, to no fewer than 6 fraction digits (or the scale, when smaller).
    static func adjusted(precision: Int, scale: Int) -> SQLType {
        let limit = DecimalFormat.maxPrecision
        if precision <= limit { return .decimal(precision: max(precision, 1), scale: scale) }
        let whole = precision - scale
        return .decimal(precision: limit, scale: max(limit - whole, min(scale, minimumAdjustedScale)))
    }
}
