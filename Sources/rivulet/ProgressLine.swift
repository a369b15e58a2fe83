import Foundation
import RivuletCore
import RivuletRuntime

/// The progress of the query `rivulet run` is running: on a terminal one line rewritten in place
/// (about twice a second), otherwise a line every `interval` seconds, for logs. Each says the rows
/// read and written by this run, the rate, the share of the input files read with the time
/// left at that pace, and the watermark.
final class ProgressLine {
    private let id: String
    private let live: Bool
    private let interval: TimeInterval
    private let started = Date()
    private var lastLine = Date()
    private var shown = false
    /// The share of input read when it was first seen, and when: the pace since then gives the ETA.
    private var firstRead: (fraction: Double, at: Date)?

    init(id: String, live: Bool, interval: TimeInterval) {
        self.id = id
        self.live = live
        self.interval = interval
    }

    /// Called with the figures so far (about twice a second).
    func update(_ metrics: QueryMetrics) {
        let now = Date()
        if !live, now.timeIntervalSince(lastLine) < interval { return }
        lastLine = now
        let text = self.text(metrics, at: now)
        if live {
            write("\r" + text + "\u{1B}[K")
            shown = true
        } else {
            write(text + "\n")
        }
    }

    /// Clears the live line before the summary is written.
    func finish() {
        if live, shown { write("\r\u{1B}[K") }
    }

    func text(_ metrics: QueryMetrics, at now: Date) -> String {
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(metrics.rowsRead) / elapsed : 0
        var parts = ["\(id): \(metrics.rowsRead) rows in", "\(metrics.rowsWritten) rows out", "\(Int(rate)) rows/s"]
        if let input = metrics.inputProgress {
            let fraction = input.fraction
            parts.append("\(Int(fraction * 100))% of input read")
            if let first = firstRead {
                let pace = (fraction - first.fraction) / now.timeIntervalSince(first.at)
                if pace > 0, fraction < 1 { parts.append("ETA \(Self.durationText((1 - fraction) / pace))") }
            } else {
                firstRead = (fraction, now)
            }
        }
        if metrics.watermark == Watermark.end {
            parts.append("watermark at the end")
        } else if metrics.watermark != Watermark.none {
            parts.append("watermark \(TimeFormat.timestampText(metrics.watermark))")
        }
        return parts.joined(separator: ", ")
    }

    static func durationText(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole >= 3600 { return "\(whole / 3600)h\(String(format: "%02d", whole % 3600 / 60))m" }
        if whole >= 60 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole)s"
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
