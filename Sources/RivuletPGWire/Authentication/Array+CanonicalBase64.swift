import Foundation

extension [UInt8] {
    /// Decodes standard padded base64 (RFC 4648), as SCRAM sends it; nil for anything but the
    /// one canonical spelling of some bytes (Foundation alone also takes `bi=s` or `YR==`).
    init?(canonicalBase64 text: String) {
        guard let data = Data(base64Encoded: text), data.base64EncodedString() == text else { return nil }
        self.init(data)
    }

    /// Standard padded base64 (RFC 4648).
    var base64: String { Data(self).base64EncodedString() }
}
