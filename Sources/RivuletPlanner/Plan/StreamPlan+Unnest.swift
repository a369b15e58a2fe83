public import RivuletCore

extension StreamPlan {
    /// `t CROSS JOIN UNNEST(expr) [WITH ORDINALITY]` and ksqlDB's `EXPLODE(expr)`: each input row
    /// once per element of `argument`, followed by the element's columns and, when asked, its
    /// 1-based ordinal. An ARRAY of ROWs spreads each row's fields over columns (as Flink's UNNEST
    /// does; ksqlDB's EXPLODE keeps the row whole, `spreadsRows` false),
    /// a MAP gives a key and a value column per entry. A NULL or empty array gives no row, nor
    /// does a NULL row among spread rows.
    ///
    /// Postgres's set-returning functions side by side in a select list (`unnest(a)`,
    /// `unnest(b)`, `generate_subscripts(a, 1)`) read further arrays, `alongside`, in lockstep
    /// with `argument`: a row gives as many rows as its longest array has elements, and each
    /// array adds its element column (and its ordinal, when asked) after `argument`'s, NULL past
    /// that array's end (a NULL array counts as empty).
    /// Stateless; rows keep their kind and arrival watermark.
    public struct Unnest: Sendable {
        public var input: StreamPlan
        public var argument: BoundExpr
        public var withOrdinality: Bool
        public var spreadsRows: Bool
        /// Arrays expanded in lockstep with `argument`; only without spread rows.
        public var alongside: [BoundExpr]
        public var schema: Schema

        /// `names` name the appended columns in order (missing ones get default names).
        public init(
            input: StreamPlan, argument: BoundExpr, alongside: [BoundExpr] = [], withOrdinality: Bool, spreadsRows: Bool = true,
            names: [String] = []
        ) {
            self.input = input
            self.argument = argument
            self.alongside = alongside
            self.withOrdinality = withOrdinality
            self.spreadsRows = spreadsRows && alongside.isEmpty
            var added: [Field] = []
            for array in [argument] + alongside {
                added += Self.elementFields(of: array.type, spreadingRows: self.spreadsRows) ?? []
                if withOrdinality { added.append(Field("ordinality", .integer, nullable: !alongside.isEmpty)) }
            }
            for i in added.indices where i < names.count { added[i].name = names[i] }
            schema = Schema(input.schema.fields + added)
        }

        /// The columns one element becomes; nil when `type` is neither an ARRAY nor a MAP.
        public static func elementFields(of type: SQLType, spreadingRows: Bool = true) -> [Field]? {
            switch type {
            case .array(.row(let fields)) where spreadingRows: return fields.map { Field($0.name, $0.type) }
            case .array(let element): return [Field("f0", element)]
            case .map(let key, let value): return [Field("key", key), Field("value", value)]
            default: return nil
            }
        }
    }
}
