/// Client messages as raw bytes, written by hand from the protocol description so that the
/// decoder is checked against the wire format rather than against itself.
enum FrontendBytes {
    static func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
    static func int16(_ value: Int16) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
    static func cString(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }

    static func startup(_ parameters: KeyValuePairs<String, String>) -> [UInt8] {
        var body = int32(196_608)
        for (name, value) in parameters { body += cString(name) + cString(value) }
        body += [0]
        return int32(Int32(body.count + 4)) + body
    }

    static func typed(_ type: Character, _ body: [UInt8]) -> [UInt8] {
        [type.asciiValue!] + int32(Int32(body.count + 4)) + body
    }

    static let sslRequest = int32(8) + int32(80_877_103)
    static func cancel(processID: Int32, secret: Int32) -> [UInt8] {
        int32(16) + int32(80_877_102) + int32(processID) + int32(secret)
    }

    static func query(_ sql: String) -> [UInt8] { typed("Q", cString(sql)) }
}
