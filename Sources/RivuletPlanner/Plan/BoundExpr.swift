public import RivuletCore

/// A resolved, typed scalar expression over the columns of one input, by index.
///
/// The binder produces these with every implicit cast made explicit, so the runtime can
/// compile each node into a typed kernel without looking anything up per row:
/// arithmetic and comparison arguments share one type, and `type` is the result type.
public indirect enum BoundExpr: Hashable, Sendable, CustomStringConvertible {
    case column(Int, SQLType)
    case literal(Value, SQLType)
    case cast(BoundExpr, to: SQLType)
    case call(ScalarFunction, [BoundExpr], SQLType)

    public var type: SQLType {
        switch self {
        case .column(_, let type), .literal(_, let type), .call(_, _, let type): return type
        case .cast(_, let type): return type
        }
    }

    public var description: String {
        switch self {
        case .column(let index, _): return "$\(index)"
        case .literal(let value, let type):
            if case .string(let s) = value { return "'\(s)'" }
            return value.isNull ? "NULL:\(type)" : value.description
        case .cast(let inner, let type): return "CAST(\(inner) AS \(type))"
        case .call(let function, let args, _): return "\(function)(\(args.map(\.description).joined(separator: ", ")))"
        }
    }

    /// Whether this is `PROCTIME()`, the one expression that makes a processing-time attribute
    /// (a column windows can take; `NOW()` and `CURRENT_TIMESTAMP` are plain timestamps).
    public var isProcessingTimeAttribute: Bool {
        if case .call(.proctime, [], _) = self { return true }
        return false
    }

    /// Column indices this expression reads.
    public var referencedColumns: Set<Int> {
        switch self {
        case .column(let index, _): return [index]
        case .literal: return []
        case .cast(let inner, _): return inner.referencedColumns
        case .call(_, let args, _): return args.reduce(into: Set<Int>()) { $0.formUnion($1.referencedColumns) }
        }
    }

    /// The same expression with column references renumbered.
    public func remapColumns(_ map: (Int) -> Int) -> BoundExpr {
        switch self {
        case .column(let index, let type): return .column(map(index), type)
        case .literal: return self
        case .cast(let inner, let type): return .cast(inner.remapColumns(map), to: type)
        case .call(let function, let args, let type): return .call(function, args.map { $0.remapColumns(map) }, type)
        }
    }
}

/// Every scalar operator and function, with the argument shapes the binder guarantees.
public enum ScalarFunction: String, Hashable, Sendable, CustomStringConvertible {
    // Arithmetic: both arguments of the result type (DECIMAL: same kind, scales may differ;
    // the result type carries the result scale). `divide` on integers truncates toward zero.
    case add, subtract, multiply, divide, modulo, negate
    // Comparison: both arguments of one type. Result BOOLEAN, NULL if either is NULL.
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    // Three-valued logic.
    case and, or, not
    case isNull, isNotNull, isTrue, isFalse
    /// `[value, pattern]` or `[value, pattern, escape]`, VARCHAR.
    case like
    /// `[value, pattern]`, VARCHAR: the regular expression matches somewhere in the value (`~`).
    case regexpLike
    /// `[value, pattern, group]`, VARCHAR: Flink's `REGEXP_EXTRACT`, the group of the first match.
    case regexpExtract
    /// `[value, pattern, replacement]`, VARCHAR: Flink's `REGEXP_REPLACE`, every match replaced.
    case regexpReplace
    /// `[type oid, type modifier]`, BIGINT: Postgres' `format_type`, the type's SQL spelling.
    case formatType
    /// `[type oid]`, BIGINT: Postgres' `oid::regtype`, the oid itself, compared as one; cast to
    /// text it is the type's name (`ExpressionBinder.cast`).
    case regtype
    /// `[oids]`, VARCHAR (an `oidvector`'s text, oids apart by spaces) → ARRAY<VARCHAR>: Postgres'
    /// `oids::regtype[]::text[]`, the types' names.
    case regtypeNames
    /// `[bytes]`, BIGINT: Postgres' `pg_size_pretty`, a size in bytes, kB, MB, GB, TB or PB.
    case sizePretty
    /// `[value, item1, item2, ...]`, all one type.
    case inList
    /// `[cond1, result1, cond2, result2, ..., else]`: the else is always present (NULL literal if omitted).
    case caseWhen
    case coalesce, nullIf
    // Strings.
    /// `initCap`: ksqlDB's INITCAP, each whitespace-delimited word's first letter upper-cased and the rest lower-cased.
    case upper, lower, initCap, concat, charLength, trim, ltrim, rtrim
    /// `[string, start]` or `[string, start, length]`, 1-based like SQL.
    case substring
    /// `[string, separator, index]`, 0-based index.
    case splitIndex
    /// `[needle, haystack]` or `[needle, haystack, from]` → INT: the 1-based character position
    /// of the first occurrence at or after `from`, 0 when there is none.
    case replace, position
    /// `[string, replacement, start]` or `[..., length]`: SQL's OVERLAY; the length defaults to the replacement's.
    case overlay
    /// `[string, length, pad]`: padded on the left or right to `length` characters, or cut down to them.
    case leftPad, rightPad
    /// `[string, count]`: the string `count` times (none for a count below 1).
    case repeatText
    case reverse
    /// `[string, count]`: the first or last `count` characters (none for a negative count).
    case left, right
    /// `[string]` → INT: the code of the first character, 0 for the empty string.
    case ascii
    /// `[code]` → VARCHAR: the character of a code.
    case chr
    /// `[separator, string, ...]`: the non-NULL strings joined; NULL only for a NULL separator.
    case concatWithSeparator
    /// `[string, from, to]`: each character of `from` replaced by the one at its place in `to`
    /// (dropped when `to` is shorter).
    case translate
    /// `[string]`: the base64 of its UTF-8 bytes, and back (invalid base64 is an error).
    case toBase64, fromBase64
    /// `[string]` → VARCHAR: the lower-case hex digest of the UTF-8 bytes.
    case md5, sha1, sha224, sha256, sha384, sha512
    /// `[value]` → VARCHAR: the value as JSON text.
    case jsonString
    /// `[json text, constant path, on-empty mode, on-error mode, empty default, error default]` →
    /// the RETURNING type: the scalar at the path (JSON_VALUE). Modes are `NULL`, `ERROR` or `DEFAULT`.
    case jsonValue
    /// `[json text, constant path, wrapper (WITHOUT, CONDITIONAL, UNCONDITIONAL), on-empty mode,
    /// on-error mode]` → VARCHAR: the object or array at the path as JSON text (JSON_QUERY).
    /// Modes are `NULL`, `ERROR`, `EMPTY ARRAY` or `EMPTY OBJECT`.
    case jsonQuery
    /// `[json text, constant path, on-error mode (TRUE, FALSE, UNKNOWN, ERROR)]` → BOOLEAN:
    /// whether the path selects anything (JSON_EXISTS).
    case jsonExists
    /// `[v1, v2, ..., NULL | ABSENT]` → VARCHAR: a JSON array of the values, NULLs as JSON null
    /// or left out; a JSON_ARRAY or JSON_OBJECT among them is nested as JSON, not as text.
    case jsonArray
    /// `[k1, v1, k2, v2, ..., NULL | ABSENT]` → VARCHAR: a JSON object, its members ordered by
    /// name (the last of equal names kept), as JSON_ARRAY nests its values.
    case jsonObject
    /// `[string]` → VARCHAR: the string as a JSON string literal, and back (text that is not
    /// one is returned as it is).
    case jsonQuote, jsonUnquote
    /// `[text, kind literal (VALUE, OBJECT, ARRAY, SCALAR)]` → BOOLEAN: whether the text is JSON of
    /// that kind; FALSE for NULL.
    case isJSON
    /// `[string, bits]`: SHA-224, -256, -384 or -512 by `bits`; NULL for other bit counts.
    case sha2
    // Math.
    case abs, round, floor, ceil, power, sqrt, ln, exp
    /// DOUBLE → DOUBLE.
    case log10, log2, degrees, radians, sin, cos, tan, cot, asin, acos, atan, sinh, cosh, tanh
    /// `[base, x]`, DOUBLE: the logarithm of `x` to `base`.
    case logBase
    /// `[y, x]`, DOUBLE: the angle of the point (x, y).
    case atan2
    /// `[x]` → -1, 0 or 1, of x's type.
    case sign
    /// `[x]` or `[x, digits]`: cut toward zero to `digits` after the point (before it when negative).
    case truncate
    /// `[BIGINT]` → VARCHAR: the two's-complement binary digits.
    case bin
    /// `[BIGINT]` or `[VARCHAR]` → VARCHAR: upper-case hex of the number or of the UTF-8 bytes.
    case hex
    /// ksqlDB's GEO_DISTANCE: `[lat1, lon1, lat2, lon2, unit]`, degrees, the great-circle distance in the unit (`GeoDistanceUnit`).
    case geoDistance
    // Time. `extract` takes `[field literal (VARCHAR: YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, MILLISECOND, DOW, DOY, WEEK, QUARTER, EPOCH), value]`.
    case extract
    /// `[timestamp, format]` with Java-style patterns (yyyy-MM-dd HH:mm:ss).
    case dateFormat
    /// `[string]` or `[string, format]`.
    case toTimestamp
    case currentTimestamp
    /// PROCTIME(): the time a row is processed, like `currentTimestamp`, but a processing-time
    /// attribute that windows can take (`BoundExpr.isProcessingTimeAttribute`).
    case proctime
    /// `[timestamp, interval]`: timestamp + interval (day-time ms or months).
    case timestampAddInterval
    /// `[unit literal, timestamp]`: rounded down or up to a whole unit (`FLOOR(ts TO DAY)`).
    case floorTime, ceilTime
    /// `[unit literal, count, timestamp]`: the timestamp moved by `count` units.
    case timestampAdd
    /// `[unit literal, from, to]` → INT: whole units from `from` to `to`, toward zero.
    case timestampDiff
    /// `[timestamp]`, or `[string]` / `[string, format]` read in UTC → BIGINT epoch seconds.
    case unixTimestamp
    /// `[string, format]` → DATE: the date the text starts with; NULL when it does not.
    case toDate
    /// `[epoch seconds]` or `[epoch seconds, format]` → VARCHAR (`yyyy-MM-dd HH:mm:ss` by default), in UTC.
    case fromUnixtime
    // Nested values. Constructors take their parts already cast to the result's part types.
    /// `[e1, e2, ...]` → ARRAY.
    case makeArray
    /// `[k1, v1, k2, v2, ...]` → MAP; a repeated key keeps its last value.
    case makeMap
    /// `[f1, f2, ...]` → ROW.
    case makeRow
    /// `[array, index]`, 1-based; NULL out of range (a negative index counts from the end).
    case arrayElement
    /// `[map, key]` (the key cast to the map's key type); NULL when absent.
    case mapValue
    /// `[row, field position literal]` (0-based BIGINT).
    case rowField
    /// `[array or map]` → INT: the number of elements or entries.
    case cardinality
    /// `[array]`: the only element, NULL for an empty array; more than one is an error.
    case element
    /// `[array, value]` → BOOLEAN.
    case arrayContains
    /// `[array]`: elements in first-seen order without repeats.
    case arrayDistinct
    /// `[array]` of numbers → the sum of its non-NULL elements (0 for none), of the element type:
    /// each row's part of ksqlDB's `SUM_LIST`.
    case arraySum
    /// `[array, delimiter]` or `[array, delimiter, null replacement]` → VARCHAR; NULL elements are skipped unless replaced.
    case arrayJoin
    /// `[array, array]` of one type: the elements of both, a NULL array as an empty one (`||`).
    case arrayConcat
    /// `[start, stop]` or `[start, stop, step]`, BIGINT → ARRAY<BIGINT>: the integers from start
    /// through stop by step (1 by default), what `generate_series` in FROM counts through.
    case integerSeries
    case mapKeys, mapValues
    /// `[array]` → its greatest (`arrayMax`) or least (`arrayMin`) non-NULL element; NULL when
    /// it has none.
    case arrayMax, arrayMin
    /// `[array, descending BOOLEAN]`: the elements in order, NULLs last either way.
    case arraySort
    /// `[array, value]`: the array without the elements equal to `value` (its NULLs when
    /// `value` is NULL).
    case arrayRemove
    /// `[array, array]`: each distinct element of the first the second lacks (`arrayExcept`),
    /// also holds (`arrayIntersect`), or of either (`arrayUnion`), in first-seen order.
    case arrayExcept, arrayIntersect, arrayUnion
    /// `[map, sorted BOOLEAN]` → ARRAY<ROW<K, V>>: the entries, by key when sorted.
    case mapEntries
    /// `[keys array, values array]` → MAP pairing them, as far as the shorter goes; a repeated
    /// key keeps its last value.
    case mapFromArrays
    /// `[map, map]`: the entries of both, the second's value where both have a key; a NULL map
    /// counts as empty unless both are.
    case mapUnion
    /// `[array, start, end?]`: 1-based, both ends included, negative counting from the end (0 is
    /// the start), as Flink's ARRAY_SLICE and ksqlDB's SLICE.
    case slice

    public var description: String { rawValue }
}
