import RivuletCore

/// How the `datagen` connector fills one column (`fields.<name>.*` options).
struct DatagenField: Sendable {
    enum Kind: Sendable {
        /// Uniform in `[min, max]` (integers, decimals as unscaled values), `[min, max)` for
        /// DOUBLE; random letters of `length` for VARCHAR.
        case random(min: Int64, max: Int64, minDouble: Double, maxDouble: Double, length: Int)
        /// `start, start + 1, ..., end`, then the source ends.
        case sequence(start: Int64, end: Int64)
        /// Event time: increasing, `base + row × spacing`.
        case eventTime
    }

    var type: SQLType
    var kind: Kind
    var nullRate: Double
}
