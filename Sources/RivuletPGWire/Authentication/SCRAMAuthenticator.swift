import Synchronization

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
    static let iterations = 4096

    enum Failure: Error, Equatable {
        /// The client broke the SASL exchange.
        case malformed(String)
        /// Wrong password (or unknown user).
        case rejected
    }

    private let saltedPassword: [UInt8]
    private let salt: [UInt8]
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
    ///   - secret: the user's (see `SCRAMSecrets`).
    ///   - randomBytes: the source of the nonce.
    ///   - channelBinding: the connection's `tls-server-end-point` data, when it runs over TLS.
    init(secret: SCRAMSecret, channelBinding: [UInt8]? = nil, randomBytes: (Int) -> [UInt8]) {
        self.init(secret: secret, serverNonce: Base64.encode(randomBytes(18)), channelBinding: channelBinding)
    }

    init(password: String, salt: [UInt8], serverNonce: String, channelBinding: [UInt8]? = nil) {
        self.init(secret: SCRAMSecret(password: password, salt: salt), serverNonce: serverNonce, channelBinding: channelBinding)
    }

    private init(secret: SCRAMSecret, serverNonce: String, channelBinding: [UInt8]?) {
        self.channelBinding = channelBinding
        salt = secret.salt
        saltedPassword = secret.saltedPassword
        self.serverNonce = serverNonce
    }

    /// SASLInitialResponse body → server-first-message.
    mutating func clientFirst(_ body: [UInt8]) throws(Failure) -> [UInt8] {
        guard let nul = body.firstIndex(of: 0) else { throw .malformed("malformed SASLInitialResponse") }
        let mechanism = String(decoding: body[..<nul], as: UTF8.self)
        guard mechanism == Self.mechanism || (mechanism == Self.plusMechanism && channelBinding != nil) else {
            throw .malformed("client selected an invalid SASL authentication mechanism")
        }
        let rest = body[(nul + 1)...]
        guard rest.count >= 4 else { throw .malformed("malformed SASLInitialResponse") }
        let length = rest.prefix(4).reduce(Int32(0)) { $0 << 8 | Int32($1) }
        let data = rest.dropFirst(4)
        guard Int(length) == data.count else { throw .malformed("malformed SASLInitialResponse") }
        let message = String(decoding: data, as: UTF8.self)

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
        serverFirst = "r=\(nonce),s=\(Base64.encode(salt)),i=\(Self.iterations)"
        return Array(serverFirst.utf8)
    }

    /// SASLResponse body (client-final-message) → server-final-message, when the proof is right.
    func clientFinal(_ body: [UInt8]) throws(Failure) -> [UInt8] {
        let message = String(decoding: body, as: UTF8.self)
        // The proof is the last attribute; the signed message is everything before it.
        var parts = message.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.popLast(), last.hasPrefix("p=") else {
            throw .malformed("malformed SCRAM message: missing proof")
        }
        let withoutProof = parts.joined(separator: ",")
        guard Self.attribute("c", in: withoutProof) == Base64.encode(expectedBinding) else {
            throw .malformed("SCRAM channel binding check failed")
        }
        guard Self.attribute("r", in: withoutProof) == nonce else { throw .malformed("SCRAM nonce does not match") }
        guard let proof = Base64.decode(String(last.dropFirst(2))), proof.count == SHA256.digestLength
        else { throw .malformed("malformed SCRAM proof") }

        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let clientKey = SHA256.hmac(key: saltedPassword, message: Array("Client Key".utf8))
        let storedKey = SHA256.hash(clientKey)
        let clientSignature = SHA256.hmac(key: storedKey, message: authMessage)
        let recoveredKey = zip(proof, clientSignature).map { $0 ^ $1 }
        var difference: UInt8 = 0
        for (a, b) in zip(SHA256.hash(recoveredKey), storedKey) { difference |= a ^ b }
        guard difference == 0 else { throw .rejected }

        let serverKey = SHA256.hmac(key: saltedPassword, message: Array("Server Key".utf8))
        let serverSignature = SHA256.hmac(key: serverKey, message: authMessage)
        return Array("v=\(Base64.encode(serverSignature))".utf8)
    }

    /// The value of `name=` in a comma-separated SCRAM message.
    private static func attribute(_ name: Character, in message: String) -> String? {
        for part in message.split(separator: ",") where part.count >= 2 && part.first == name && part.dropFirst().first == "=" {
            return String(part.dropFirst(2))
        }
        return nil
    }
}

/// A user's SCRAM secret as Postgres stores it: a salt and the password salted and hashed
/// `SCRAMAuthenticator.iterations` times.
struct SCRAMSecret: Sendable {
    let salt: [UInt8]
    let saltedPassword: [UInt8]

    init(password: String, salt: [UInt8]) {
        self.salt = salt
        saltedPassword = SHA256.pbkdf2(password: Array(password.utf8), salt: salt, iterations: SCRAMAuthenticator.iterations)
    }
}

/// The users' secrets, each derived at the user's first login and kept: deriving is the costly
/// part of an exchange, and Postgres too keeps one salt per user. Part of no configuration's
/// identity: configurations that compare equal may keep different caches.
final class SCRAMSecrets: Hashable, Sendable {
    /// By user, with the password each was derived from.
    private let derived = Mutex<[String: (password: String, secret: SCRAMSecret)]>([:])

    /// The secret of `user`; for an unknown user (`password` nil) a random one, so that the
    /// exchange looks the same and fails like a wrong password.
    func secret(user: String, password: String?, randomBytes: (Int) -> [UInt8]) -> SCRAMSecret {
        guard let password else { return SCRAMSecret(password: Base64.encode(randomBytes(32)), salt: randomBytes(16)) }
        if let known = derived.withLock({ $0[user] }), known.password == password { return known.secret }
        let secret = SCRAMSecret(password: password, salt: randomBytes(16))
        derived.withLock { $0[user] = (password, secret) }
        return secret
    }

    static func == (lhs: SCRAMSecrets, rhs: SCRAMSecrets) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}
