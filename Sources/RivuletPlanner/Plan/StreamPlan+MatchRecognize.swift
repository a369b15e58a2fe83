public import RivuletCore

extension StreamPlan {
    /// `MATCH_RECOGNIZE`: per partition, rows in event-time order (once the watermark passes
    /// them) run through the pattern; each match emits one row: the partition keys, then the
    /// measures. Append-only; the output's event time is its `MATCH_ROWTIME()` measure, if any.
    ///
    /// DEFINE conditions and measures are bound over a virtual row of `navigations`: column `i`
    /// of such an expression is the value of `navigations[i]` (a variable's last row's column,
    /// an aggregate over its rows, ...), computed for the match at hand.
    public struct MatchRecognize: Sendable {
        /// One pattern variable with its quantifier.
        public struct Element: Hashable, Sendable, CustomStringConvertible {
            public var name: String
            public var min: Int
            /// nil: unbounded.
            public var max: Int?
            public var reluctant: Bool

            public init(name: String, min: Int, max: Int?, reluctant: Bool) {
                self.name = name
                self.min = min
                self.max = max
                self.reluctant = reluctant
            }

            /// Whether a row this variable can take never goes to the next variable instead
            /// (Flink's greedy quantifiers; an exact count and `?` are not greedy there).
            public var greedy: Bool { !reluctant && min != max && !(min == 0 && max == 1) }

            public var description: String {
                let quantifier: String
                switch (min, max) {
                case (1, 1?): quantifier = ""
                case (0, nil): quantifier = "*"
                case (1, nil): quantifier = "+"
                case (0, 1?): quantifier = "?"
                case (let n, let m?) where n == m: quantifier = "{\(n)}"
                case (let n, nil): quantifier = "{\(n),}"
                case (let n, let m?): quantifier = "{\(n),\(m)}"
                }
                return name + quantifier + (reluctant ? "?" : "")
            }
        }

        /// A value read from the rows of a (partial) match.
        public struct Navigation: Hashable, Sendable, CustomStringConvertible {
            public enum Kind: Hashable, Sendable {
                /// The argument on the `offset`-th last row of the variable (0: its last).
                case last(Int)
                /// The argument on the `offset`-th first row of the variable (0: its first).
                case first(Int)
                /// An aggregate over the variable's rows; its argument is column 0 of a batch of
                /// the argument's values.
                case aggregate(AggregateCall)
                /// The event time of the match's last row.
                case matchRowtime
            }

            public var kind: Kind
            /// Index into `elements`; nil: the rows of every variable.
            public var variable: Int?
            /// Computed from an input row; nil for `COUNT(*)` and `MATCH_ROWTIME()`.
            public var argument: BoundExpr?
            public var type: SQLType

            public init(kind: Kind, variable: Int?, argument: BoundExpr?, type: SQLType) {
                self.kind = kind
                self.variable = variable
                self.argument = argument
                self.type = type
            }

            public var description: String {
                let argument = self.argument.map { "\($0.sqlText)" } ?? "*"
                switch kind {
                case .last(let n): return "LAST(\(argument), \(n))"
                case .first(let n): return "FIRST(\(argument), \(n))"
                case .aggregate(let call): return "\(call.description.prefix { $0 != "(" })(\(argument))"
                case .matchRowtime: return "MATCH_ROWTIME()"
                }
            }
        }

        public enum Skip: Hashable, Sendable, CustomStringConvertible {
            case pastLastRow
            case toNextRow
            /// Index into `elements`.
            case toFirst(Int)
            case toLast(Int)

            public var description: String {
                switch self {
                case .pastLastRow: return "PAST LAST ROW"
                case .toNextRow: return "TO NEXT ROW"
                case .toFirst(let v): return "TO FIRST $v\(v)"
                case .toLast(let v): return "TO LAST $v\(v)"
                }
            }
        }

        public var input: StreamPlan
        public var partitionKeys: [Int]
        public var timeColumn: Int
        /// ORDER BY's keys after the event time: the order of rows with equal times (then arrival).
        public var sortKeys: [TopN.SortKey] = []
        public var elements: [Element]
        /// Per element, its DEFINE condition over the navigation row; nil: every row.
        public var conditions: [BoundExpr?]
        /// Over the navigation row.
        public var measures: [BoundExpr]
        public var navigations: [Navigation]
        public var skip: Skip
        public var withinMillis: Int64?
        public var schema: Schema
        /// The output column of a `MATCH_ROWTIME()` measure, the output's event time.
        public var eventTimeColumn: Int?

        public init(
            input: StreamPlan, partitionKeys: [Int], timeColumn: Int, elements: [Element], conditions: [BoundExpr?],
            measures: [BoundExpr], navigations: [Navigation], skip: Skip, withinMillis: Int64?, schema: Schema,
            eventTimeColumn: Int?
        ) {
            self.input = input
            self.partitionKeys = partitionKeys
            self.timeColumn = timeColumn
            self.elements = elements
            self.conditions = conditions
            self.measures = measures
            self.navigations = navigations
            self.skip = skip
            self.withinMillis = withinMillis
            self.schema = schema
            self.eventTimeColumn = eventTimeColumn
        }

        var explainText: String {
            let keys = partitionKeys.map { "$\($0)" }.joined(separator: ", ")
            let pattern = elements.map(\.description).joined(separator: " ")
            let order = (["$\(timeColumn)"] + sortKeys.map { "$\($0.column)\($0.ascending ? "" : " DESC")" }).joined(separator: ", ")
            var text = "MatchRecognize: partition=[\(keys)] order=\(order) pattern=(\(pattern))"
            if let withinMillis { text += " within=\(withinMillis)ms" }
            text += " skip=\(skip)"
            let navigation = navigations.enumerated().map { "$n\($0.offset)=\($0.element.variable.map { elements[$0].name + "." } ?? "")\($0.element)" }
            let defines = zip(elements, conditions).compactMap { element, condition in
                condition.map { "\(element.name): \($0.sqlText)" }
            }
            text += " define=[\(defines.joined(separator: ", "))]"
            text += " measures=[\(measures.map(\.sqlText).joined(separator: ", "))]"
            text += " navigation=[\(navigation.joined(separator: ", "))]"
            return text + " state=rows per partition until the watermark passes them, and partial matches"
        }
    }
}
