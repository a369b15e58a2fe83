/// A record a decoder could not read: its first line number in the input, its raw text and why.
struct BadRecord {
    var line: Int
    var rawText: String
    var reason: String

    init(line: Int, raw: UnsafeBufferPointer<UInt8>, reason: String) {
        self.line = line
        var end = raw.count
        while end > 0, raw[end - 1] == 10 || raw[end - 1] == 13 { end -= 1 }
        let shown = min(end, 4096)
        rawText = String(decoding: UnsafeBufferPointer(rebasing: raw[0..<shown]), as: UTF8.self)
        self.reason = reason
    }
}
