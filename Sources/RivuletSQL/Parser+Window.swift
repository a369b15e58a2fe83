import RivuletCore

/// ksqlDB windows and durations: `WINDOW TUMBLING (...)`, `WITHIN ...`, `10 SECONDS`.
extension Parser {
    /// `WINDOW TUMBLING|HOPPING|SESSION ( item, ... )` where an item is `SIZE d`, `ADVANCE BY d`,
    /// `RETENTION d`, `GRACE PERIOD d`, or (SESSION) a bare gap `d`.
    mutating func parseKsqlWindow() throws(SQLError) -> KsqlWindow {
        let start = current.span.start
        try expectWord("WINDOW")
        // ksqlDB's grammar lets a name stand before the window's kind: `WINDOW w SESSION (...)`.
        if word().flatMap(KsqlWindow.Kind.init(rawValue:)) == nil, word(at: 1).flatMap(KsqlWindow.Kind.init(rawValue:)) != nil {
            advance()
        }
        guard let kind = word().flatMap(KsqlWindow.Kind.init(rawValue:)) else {
            throw expected("TUMBLING, HOPPING or SESSION", "after WINDOW")
        }
        advance()
        try expectSymbol(.leftParen, "after \(kind.rawValue)")
        var size: DurationLiteral?
        var advanceBy: DurationLiteral?
        var retention: DurationLiteral?
        var grace: DurationLiteral?
        repeat {
            let itemToken = current
            let described: String
            if consumeWord("SIZE") {
                size = try parseDuration("after SIZE")
                described = kind == .session ? "window gap" : "window size"
            } else if consumeWord("ADVANCE") {
                try expectWord("BY", "after ADVANCE")
                advanceBy = try parseDuration("after ADVANCE BY")
                described = "ADVANCE BY"
            } else if consumeWord("RETENTION") {
                retention = try parseDuration("after RETENTION")
                described = "RETENTION"
            } else if consumeWord("GRACE") {
                try expectWord("PERIOD", "after GRACE")
                grace = try parseDuration("after GRACE PERIOD")
                described = "GRACE PERIOD"
            } else if kind == .session, size == nil, case .number = current.kind {
                size = try parseDuration("in WINDOW SESSION")
                described = "session gap"
            } else {
                let options = kind == .session ? "a gap like 30 SECONDS, RETENTION or GRACE PERIOD"
                    : kind == .hopping ? "SIZE, ADVANCE BY, RETENTION or GRACE PERIOD" : "SIZE, RETENTION or GRACE PERIOD"
                throw expected(options, "in WINDOW \(kind.rawValue)", at: itemToken)
            }
            if !isSymbol(.comma) {
                try expectSymbol(.rightParen, "after \(described)")
                break
            }
            advance()
        } while true
        let windowSpan = span(from: start)
        guard let size else {
            let what = kind == .session ? "a gap, as in WINDOW SESSION (30 SECONDS)" : "SIZE, as in WINDOW \(kind.rawValue) (SIZE 10 SECONDS)"
            throw SQLError.syntax("WINDOW \(kind.rawValue) needs \(what)", at: windowSpan)
        }
        if kind == .hopping, advanceBy == nil {
            throw SQLError.syntax("WINDOW HOPPING needs ADVANCE BY, as in (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS)", at: windowSpan)
        }
        if kind != .hopping, advanceBy != nil {
            throw SQLError.syntax("ADVANCE BY belongs to WINDOW HOPPING, not WINDOW \(kind.rawValue)", at: windowSpan)
        }
        return KsqlWindow(kind: kind, size: size, advance: advanceBy, retention: retention, grace: grace, span: windowSpan)
    }

    /// `WITHIN d [GRACE PERIOD g]` or `WITHIN (before, after) [GRACE PERIOD g]`.
    mutating func parseJoinWithin() throws(SQLError) -> JoinWithin {
        let start = current.span.start
        try expectWord("WITHIN")
        var within: JoinWithin
        if consumeSymbol(.leftParen) {
            let before = try parseDuration("after WITHIN (")
            try expectSymbol(.comma, "after the WITHIN before-duration")
            let after = try parseDuration("in WITHIN (before, after)")
            try expectSymbol(.rightParen, "after WITHIN durations")
            within = JoinWithin(before: before, after: after)
        } else {
            within = JoinWithin(before: try parseDuration("after WITHIN"))
        }
        if consumeWord("GRACE") {
            try expectWord("PERIOD", "after GRACE")
            within.grace = try parseDuration("after GRACE PERIOD")
        }
        within.span = span(from: start)
        return within
    }

    /// `10 SECONDS`, `1 MINUTE`, `500 MILLISECONDS` (singular or plural unit).
    mutating func parseDuration(_ context: String) throws(SQLError) -> DurationLiteral {
        let start = current.span.start
        guard case .number(let digits) = current.kind else {
            throw expected("a duration like 10 SECONDS", context)
        }
        guard let value = Int64(digits) else {
            throw SQLError.syntax("duration \(digits) must be a whole number", at: current.span)
        }
        let numberText = current.text
        advance()
        let unitNames = "a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS)"
        guard var unitWord = word() else { throw expected(unitNames, "after \(numberText)") }
        if unitWord.hasSuffix("S") { unitWord.removeLast() }
        guard let unit = DurationLiteral.Unit(rawValue: unitWord) else {
            throw expected(unitNames, "after \(numberText)")
        }
        advance()
        return DurationLiteral(value: value, unit: unit, span: span(from: start))
    }
}
