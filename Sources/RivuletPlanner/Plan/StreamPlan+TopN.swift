public import RivuletCore

extension StreamPlan {
    /// `ROW_NUMBER() OVER (PARTITION BY keys ORDER BY sort) ≤ limit`: the first `limit` rows of
    /// each partition. Output: the input columns, then the rank (BIGINT) when `emitsRank`.
    ///
    /// With `windowEnd`, the partition includes a window and each window's final ranking is
    /// emitted once when the watermark closes it (append-only). Otherwise the result is a
    /// changelog: rows entering the top N are inserted, rows leaving it deleted; with the rank
    /// in the output every row whose rank changes is updated. `limit == 1` ordered by event
    /// time is a deduplication (keep the first row, or the last with DESC).
    public struct TopN: Sendable {
        public struct SortKey: Hashable, Sendable {
            public var column: Int
            public var ascending: Bool

            public init(column: Int, ascending: Bool) {
                self.column = column
                self.ascending = ascending
            }
        }

        public var input: StreamPlan
        public var partitionKeys: [Int]
        public var sortKeys: [SortKey]
        public var limit: Int
        public var emitsRank: Bool
        /// The `window_end` column when the partition includes a window.
        public var windowEnd: Int?
        /// Each row replaces its key's row whatever its order, and a `-D` row deletes it: a
        /// table kept in a topic as ksqlDB keeps it (latest record per key; a tombstone deletes).
        public var latestPerKey = false
        public var schema: Schema

        public init(input: StreamPlan, partitionKeys: [Int], sortKeys: [SortKey], limit: Int, emitsRank: Bool,
                    rankName: String = "rn", windowEnd: Int? = nil) {
            self.input = input
            self.partitionKeys = partitionKeys
            self.sortKeys = sortKeys
            self.limit = limit
            self.emitsRank = emitsRank
            self.windowEnd = windowEnd
            schema = Schema(input.schema.fields + (emitsRank ? [Field(rankName, .bigint, nullable: false)] : []))
        }

        /// Keeping one row per key by event time: the row first in time (ascending) or last.
        public var isDeduplication: Bool {
            limit == 1 && windowEnd == nil && sortKeys.count == 1 && sortKeys[0].column == input.eventTimeColumn
        }

        public var appendOnly: Bool { windowEnd != nil && input.appendOnly }

        public var eventTimeColumn: Int? { windowEnd == nil ? nil : input.eventTimeColumn }

        /// Whether a deduplication runs as one: over a changelog input it is a Top-N of one row,
        /// which can take back the row it kept.
        public var runsAsDeduplication: Bool { latestPerKey || (isDeduplication && input.appendOnly) }

        /// The operator that runs the node, as EXPLAIN names it.
        public var operatorName: String {
            windowEnd != nil ? "WindowTopN" : (runsAsDeduplication ? "Deduplicate" : "TopN")
        }

        var explainText: String {
            let partition = partitionKeys.map { "$\($0)" }.joined(separator: ", ")
            let order = sortKeys.map { "$\($0.column)\($0.ascending ? "" : " DESC")" }.joined(separator: ", ")
            var text = "\(operatorName): partition=[\(partition)] order=[\(order)] limit=\(limit)"
            if emitsRank { text += " rank" }
            if windowEnd != nil {
                text += " state=rows per window until it closes"
            } else if runsAsDeduplication {
                text += " keep=\(sortKeys[0].ascending ? "first" : "last") state=one row per key"
            } else {
                text += " state=top rows per partition"
            }
            return text
        }
    }
}
