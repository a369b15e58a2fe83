public import RivuletCore

/// One aggregate in a GROUP BY: `kind(argument) FILTER (WHERE filter)`.
public struct AggregateCall: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case countStar
        case count
        case sum
        case avg
        case min
        case max
        /// An approximate quantile, `APPROX_PERCENTILE(x, q)` / `PERCENTILE_APPROX`; q in [0, 1].
        case approxQuantile(Double)
        /// ksqlDB's `LATEST_BY_OFFSET(x [, n] [, ignoreNulls])` / `EARLIEST_BY_OFFSET`: the last
        /// (first) value to arrive, NULLs skipped unless `ignoreNulls` is false; with a `count`,
        /// an ARRAY of the last (first) `count` values in arrival order.
        case latestByOffset(ignoreNulls: Bool, count: Int? = nil)
        case earliestByOffset(ignoreNulls: Bool, count: Int? = nil)
        /// `ARRAY_AGG(x)` / ksqlDB's `COLLECT_LIST(x)`: the values in arrival order (`distinct`:
        /// `COLLECT_SET`, `ARRAY_AGG(DISTINCT x)`: each value once, first arrival first). NULLs
        /// are values here, as in Flink's ARRAY_AGG and ksqlDB's COLLECT_*. The result is NULL
        /// when there is no value. With a `limit`, values past that many are not kept.
        case collect(distinct: Bool, limit: Int? = nil)
        /// ksqlDB's `HISTOGRAM(x)`: a MAP from each distinct non-NULL value to how many rows hold
        /// it, first arrival first; NULL when there is none.
        case histogram
        /// Flink's `COLLECT(x)`: a MULTISET of the non-NULL values, held as a MAP from each
        /// distinct value to its count (1 each with `distinct`), first arrival first; an empty
        /// map, not NULL, when there is none.
        case multiset(distinct: Bool)
        /// ksqlDB's `TOPK(x, k)` / `TOPKDISTINCT(x, k)`: an ARRAY of the `count` greatest
        /// non-NULL values, greatest first (each value once when `distinct`); NULL when there is
        /// none.
        case top(count: Int, distinct: Bool)
        /// `VAR_POP`, `VAR_SAMP`, `STDDEV_POP`, `STDDEV_SAMP` of a number, in the argument's type.
        /// `bySums`: from the sum and sum of squares in the argument's type, `(Σx² − (Σx)²/n) / n`,
        /// as Flink computes them OVER a window; otherwise by Welford's update in DOUBLE, as it
        /// computes them per group.
        case statistic(Statistic, bySums: Bool = false)
    }

    /// The spread of the values: variance or standard deviation, of the population or a sample.
    public enum Statistic: String, Hashable, Sendable {
        case populationVariance = "VAR_POP"
        case sampleVariance = "VAR_SAMP"
        case populationDeviation = "STDDEV_POP"
        case sampleDeviation = "STDDEV_SAMP"

        public var isSample: Bool { self == .sampleVariance || self == .sampleDeviation }
        public var isDeviation: Bool { self == .populationDeviation || self == .sampleDeviation }
    }

    /// One key of `array_agg(x ORDER BY ...)`.
    public struct SortKey: Hashable, Sendable {
        public var ascending: Bool
        public var nullsFirst: Bool

        public init(ascending: Bool, nullsFirst: Bool) {
            self.ascending = ascending
            self.nullsFirst = nullsFirst
        }
    }

    public var kind: Kind
    /// `ARRAY_AGG(x ORDER BY k1, k2 ...)`: the argument is then `ROW(k1, k2, ..., x)`, and the
    /// result holds each row's last field, ordered by the leading ones (ties in arrival order).
    public var orderBy: [SortKey] = []
    /// The argument; nil for `COUNT(*)`. The planner guarantees a plain `.column` reference
    /// (it computes argument expressions in a projection below the aggregate).
    public var argument: BoundExpr?
    public var distinct: Bool
    /// Rows for which this is not TRUE are left out of this aggregate only. Like `argument`,
    /// always a plain `.column` reference to a BOOLEAN column when present.
    public var filter: BoundExpr?
    /// The result type (Flink's rules: SUM of BIGINT is BIGINT, AVG of BIGINT is BIGINT truncated
    /// toward zero, AVG of DOUBLE is DOUBLE, COUNT is BIGINT NOT NULL).
    public var type: SQLType

    public init(kind: Kind, argument: BoundExpr?, distinct: Bool = false, filter: BoundExpr? = nil, type: SQLType) {
        self.kind = kind
        self.argument = argument
        self.distinct = distinct
        self.filter = filter
        self.type = type
    }

    public var description: String {
        let name: String
        switch kind {
        case .countStar: name = "COUNT"
        case .count: name = "COUNT"
        case .sum: name = "SUM"
        case .avg: name = "AVG"
        case .min: name = "MIN"
        case .max: name = "MAX"
        case .approxQuantile(let q): name = "APPROX_PERCENTILE[\(q)]"
        case .latestByOffset(let skip, let count): name = "LATEST_BY_OFFSET" + (count.map { "[\($0)]" } ?? "") + (skip ? "" : "[nulls]")
        case .earliestByOffset(let skip, let count): name = "EARLIEST_BY_OFFSET" + (count.map { "[\($0)]" } ?? "") + (skip ? "" : "[nulls]")
        case .collect(let distinct, let limit): name = (distinct ? "COLLECT_SET" : "ARRAY_AGG") + (limit.map { "[\($0)]" } ?? "")
        case .histogram: name = "HISTOGRAM"
        case .multiset: name = "COLLECT"
        case .top(let count, let distinct): name = (distinct ? "TOPKDISTINCT" : "TOPK") + "[\(count)]"
        case .statistic(let statistic, let bySums): name = statistic.rawValue + (bySums ? "[sums]" : "")
        }
        var text = name + "(" + (distinct ? "DISTINCT " : "") + (argument?.description ?? "*")
        if !orderBy.isEmpty {
            text += " ORDER BY " + orderBy.map { ($0.ascending ? "ASC" : "DESC") + ($0.nullsFirst ? " NULLS FIRST" : "") }
                .joined(separator: ", ")
        }
        text += ")"
        if let filter { text += " FILTER (WHERE \(filter.sqlText))" }
        return text
    }
}
