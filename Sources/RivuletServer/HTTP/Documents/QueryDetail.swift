import Foundation

/// One persistent query as `GET /api/v1/queries/{id}` shows it: its summary, EXPLAIN, its
/// operator graph and its most recent bad records and late rows.
struct QueryDetail: Encodable, Sendable {
    struct BadRecord: Encodable, Sendable {
        var source: String?
        var position: String?
        var rawText: String?
        var reason: String?
        var time: String?
    }

    struct LateRow: Encodable, Sendable {
        var source: String?
        var operatorName: String?
        var row: String?
        var eventTime: String?
        var watermark: String?
        var windowStart: String?
        var windowEnd: String?
        var time: String?
    }

    var query: QuerySummary
    /// EXPLAIN's numbered lines.
    var explain: [String]
    var graph: OperatorGraph
    /// The newest first, at most `badRecordLimit`.
    var badRecords: [BadRecord]
    /// The newest first, at most `badRecordLimit`.
    var lateRows: [LateRow]

    static let badRecordLimit = 20
}

extension QueryDetail.BadRecord {
    /// A row of `source, position, raw_text, reason, error_time`.
    init(row: [String?]) {
        func column(_ index: Int) -> String? { index < row.count ? row[index] : nil }
        self.init(source: column(0), position: column(1), rawText: column(2), reason: column(3), time: column(4))
    }
}

extension QueryDetail.LateRow {
    /// A row of `source, operator_name, row_json, event_time, watermark, window_start, window_end, dropped_at`.
    init(row: [String?]) {
        func column(_ index: Int) -> String? { index < row.count ? row[index] : nil }
        self.init(
            source: column(0), operatorName: column(1), row: column(2), eventTime: column(3), watermark: column(4),
            windowStart: column(5), windowEnd: column(6), time: column(7))
    }
}
