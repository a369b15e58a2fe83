import Crypto

/// SCRAM channel-binding data of a TLS server (RFC 5929): `tls-server-end-point` is the hash of
/// the server's certificate, with the hash of its signature algorithm (SHA-256 for MD5 and
/// SHA-1), as libpq computes it. Certificates whose signature names no hash (Ed25519, RSA-PSS)
/// offer no binding, and clients use plain SCRAM-SHA-256.
enum ChannelBinding {
    /// `tls-server-end-point` of a DER certificate; nil when it cannot be computed here.
    static func tlsServerEndPoint(certificate der: [UInt8]) -> [UInt8]? {
        guard let algorithm = signatureAlgorithm(of: der), let hash = endPointHashes[algorithm] else { return nil }
        switch hash {
        case .sha256: return Array(SHA256.hash(data: der))
        case .sha384: return Array(SHA384.hash(data: der))
        case .sha512: return Array(SHA512.hash(data: der))
        }
    }

    private enum Hash { case sha256, sha384, sha512 }

    /// Signature algorithm OIDs (DER contents) and the hash of their end point.
    private static let endPointHashes: [[UInt8]: Hash] = [
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x04]: .sha256,  // md5WithRSAEncryption
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x05]: .sha256,  // sha1WithRSAEncryption
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]: .sha256,  // sha256WithRSAEncryption
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0C]: .sha384,  // sha384WithRSAEncryption
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0D]: .sha512,  // sha512WithRSAEncryption
        [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x01]: .sha256,  // ecdsa-with-SHA1
        [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]: .sha256,  // ecdsa-with-SHA256
        [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03]: .sha384,  // ecdsa-with-SHA384
        [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04]: .sha512,  // ecdsa-with-SHA512
    ]

    /// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, ... }`:
    /// the OID of `signatureAlgorithm`.
    static func signatureAlgorithm(of der: [UInt8]) -> [UInt8]? {
        var reader = DERReader(bytes: der[...])
        guard var certificate = reader.read(tag: 0x30) else { return nil }
        guard certificate.read(tag: 0x30) != nil, var algorithm = certificate.read(tag: 0x30) else { return nil }
        return algorithm.read(tag: 0x06).map { Array($0.bytes) }
    }

    /// Reads DER tag-length-value items one after another.
    private struct DERReader {
        var bytes: ArraySlice<UInt8>

        /// The contents of the next item when it has `tag`.
        mutating func read(tag: UInt8) -> DERReader? {
            guard let first = bytes.first, first == tag, bytes.count >= 2 else { return nil }
            var index = bytes.startIndex + 1
            var length = Int(bytes[index])
            index += 1
            if length & 0x80 != 0 {
                let count = length & 0x7F
                guard count >= 1, count <= 4, bytes.endIndex - index >= count else { return nil }
                length = bytes[index..<(index + count)].reduce(0) { $0 << 8 | Int($1) }
                index += count
            }
            guard bytes.endIndex - index >= length else { return nil }
            let contents = bytes[index..<(index + length)]
            bytes = bytes[(index + length)...]
            return DERReader(bytes: contents)
        }
    }
}
