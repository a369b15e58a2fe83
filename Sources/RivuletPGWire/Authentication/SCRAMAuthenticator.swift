import Crypto

/// The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as Postgres runs it: the user name
/// taken from the startup message (the client's `n=` is ignored), and over TLS also
/// SCRAM-SHA-256-PLUS with `tls-server-end-point` channel binding (RFC 5929), which ties the
/// proof to the server's certificate.
///
/// Two steps: `clientFirst` answers the SASLInitialResponse with the server-first-message,
/// `clientFinal` checks the proof and returns the server-final-message.
struct SCRAMAuthenticator: Sendable {
    static let mechanism = "SCRAM-SHA-256"
    static let plusMechanism = "SCRAM-SHA-256-PLUS"
    static let channelBindingType = "tls-server-end-point"

    enum Failure: Error, Equatable {
        /// The client broke the SASL exchange.
        case malformed(String)
        /// Wrong password (or unknown user).
        case rejected
    }

    private let verifier: SCRAMVerifier
    private let serverNonce: String
    private var clientFirstBare = ""
    private var serverFirst = ""
    /// What the client must send as `c=`, base64-decoded: the gs2 header, then with
    /// SCRAM-SHA-256-PLUS the channel-binding data.
    private var expectedBinding: [UInt8] = []
    private var nonce = ""
    /// The connection's `tls-server-end-point` data; nil when it has none to offer (no TLS).
    private let channelBinding: [UInt8]?

    /// The mechanisms to offer, best first.
    var mechanisms: [String] { channelBinding == nil ? [Self.mechanism] : [Self.plusMechanism, Self.mechanism] }

    /// - Parameters:
    ///   - verifier: the user's.
    ///   - randomBytes: the source of the nonce.
    ///   - channelBinding: the connection's `tls-server-end-point` data, when it runs over TLS.
    init(verifier: SCRAMVerifier, channelBinding: [UInt8]? = nil, randomBytes: (Int) -> [UInt8]) {
        self.init(verifier: verifier, serverNonce: randomBytes(18).base64, channelBinding: channelBinding)
    }

    init(password: String, salt: [UInt8], serverNonce: String, channelBinding: [UInt8]? = nil) {
        self.init(
            verifier: SCRAMVerifier(password: password, salt: salt), serverNonce: serverNonce,
            channelBinding: channelBinding)
    }

    init(verifier: SCRAMVerifier, serverNonce: String, channelBinding: [UInt8]?) {
        self.channelBinding = channelBinding
        self.verifier = verifier
        self.serverNonce = serverNonce
    }

    /// SASLInitialResponse body → server-first-message.
    mutating func clientFirst(_ body: [UInt8]) throws(Failure) -> [UInt8] {
        guard let nul = body.firstIndex(of: 0) else { throw .malformed("malformed SASLInitialResponse") }
        guard let mechanism = String(validating: body[..<nul], as: UTF8.self) else {
            throw .malformed("invalid SASL authentication mechanism")
        }
        guard mechanism == Self.mechanism || (mechanism == Self.plusMechanism && channelBinding != nil) else {
            throw .malformed("client selected an invalid SASL authentication mechanism")
        }
        let rest = body[(nul + 1)...]
        guard rest.count >= 4 else { throw .malformed("malformed SASLInitialResponse") }
        let length = rest.prefix(4).reduce(Int32(0)) { $0 << 8 | Int32($1) }
        let data = rest.dropFirst(4)
        guard Int(length) == data.count else { throw .malformed("malformed SASLInitialResponse") }
        guard let message = String(validating: data, as: UTF8.self) else { throw .malformed(Self.invalidText) }

        // gs2-header: "p=tls-server-end-point,," (binding, with -PLUS only), "n,," (no channel
        // binding) or "y,," (client could bind, thinks we cannot).
        let parts = message.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].isEmpty else { throw .malformed("malformed SCRAM message") }
        if mechanism == Self.plusMechanism {
            guard parts[0] == "p=\(Self.channelBindingType)", let channelBinding else {
                throw .malformed("unsupported SCRAM channel-binding type")
            }
            expectedBinding = Array("\(parts[0]),,".utf8) + channelBinding
        } else {
            guard parts[0] == "n" || parts[0] == "y" else {
                throw .malformed("channel binding needs \(Self.plusMechanism)")
            }
            // A client that could bind but believes this server cannot: someone removed -PLUS
            // from the offer on the way (RFC 5802, section 6).
            if parts[0] == "y", channelBinding != nil {
                throw .malformed("SCRAM channel binding negotiation error")
            }
            expectedBinding = Array("\(parts[0]),,".utf8)
        }
        clientFirstBare = String(parts[2])
        guard let clientNonce = Self.attribute("r", in: clientFirstBare), !clientNonce.isEmpty else {
            throw .malformed("malformed SCRAM message: missing nonce")
        }
        nonce = clientNonce + serverNonce
        serverFirst = "r=\(nonce),s=\(verifier.salt.base64),i=\(verifier.iterations)"
        return Array(serverFirst.utf8)
    }

    /// SASLResponse body (client-final-message) → server-final-message, when the proof is right.
    func clientFinal(_ body: [UInt8]) throws(Failure) -> [UInt8] {
        guard let message = String(validating: body, as: UTF8.self) else { throw .malformed(Self.invalidText) }
        // The proof is the last attribute; the signed message is everything before it.
        var parts = message.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.popLast(), last.hasPrefix("p=") else {
            throw .malformed("malformed SCRAM message: missing proof")
        }
        let withoutProof = parts.joined(separator: ",")
        guard Self.attribute("c", in: withoutProof) == expectedBinding.base64 else {
            throw .malformed("SCRAM channel binding check failed")
        }
        guard Self.attribute("r", in: withoutProof) == nonce else { throw .malformed("SCRAM nonce does not match") }
        guard let proof = [UInt8](canonicalBase64: String(last.dropFirst(2))), proof.count == SHA256.byteCount
        else { throw .malformed("malformed SCRAM proof") }

        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        // The proof is ClientKey XOR HMAC(StoredKey, AuthMessage); its ClientKey must hash to StoredKey.
        let clientSignature = SCRAMVerifier.hmac(key: verifier.storedKey, message: authMessage)
        let recoveredKey = zip(proof, clientSignature).map { $0 ^ $1 }
        // A digest compares in constant time.
        guard SHA256.hash(data: recoveredKey) == verifier.storedKey else { throw .rejected }

        let serverSignature = SCRAMVerifier.hmac(key: verifier.serverKey, message: authMessage)
        return Array("v=\(serverSignature.base64)".utf8)
    }

    private static let invalidText = "invalid SCRAM message: not valid UTF-8"

    /// The value of `name=` in a comma-separated SCRAM message.
    private static func attribute(_ name: Character, in message: String) -> String? {
        for part in message.split(separator: ",") where part.count >= 2 && part.first == name && part.dropFirst().first == "=" {
            return String(part.dropFirst(2))
        }
        return nil
    }
}
