/// What a server keeps of a SCRAM-SHA-256 password, as Postgres stores it in `pg_authid`:
/// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64). It checks a client's
/// proof and signs the answer, but does not give the password back, nor anything a client could
/// log in with.
public struct SCRAMVerifier: Hashable, Sendable, CustomStringConvertible {
    public static let defaultIterations = 4096

    public let iterations: Int
    public let salt: [UInt8]
    /// SHA-256 of the client key.
    public let storedKey: [UInt8]
    public let serverKey: [UInt8]

    public init(iterations: Int, salt: [UInt8], storedKey: [UInt8], serverKey: [UInt8]) {
        self.iterations = iterations
        self.salt = salt
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    /// Derives the verifier of `password` (PBKDF2-HMAC-SHA-256, RFC 5802 section 3).
    public init(password: String, salt: [UInt8], iterations: Int = defaultIterations) {
        let salted = SHA256.pbkdf2(password: Array(password.utf8), salt: salt, iterations: iterations)
        self.init(
            iterations: iterations, salt: salt,
            storedKey: SHA256.hash(SHA256.hmac(key: salted, message: Array("Client Key".utf8))),
            serverKey: SHA256.hmac(key: salted, message: Array("Server Key".utf8)))
    }

    /// Derives the verifier of `password` with a fresh random 16-byte salt.
    public init(password: String) {
        var generator = SystemRandomNumberGenerator()
        self.init(password: password, salt: (0..<16).map { _ in generator.next() })
    }

    /// Parses Postgres' text form; nil for anything else (a plain password among them).
    public init?(parsing text: String) {
        let halves = text.split(separator: "$", omittingEmptySubsequences: false)
        guard halves.count == 3, halves[0] == "SCRAM-SHA-256" else { return nil }
        let parameters = halves[1].split(separator: ":", omittingEmptySubsequences: false)
        let keys = halves[2].split(separator: ":", omittingEmptySubsequences: false)
        guard parameters.count == 2, keys.count == 2, let iterations = Int(parameters[0]), iterations > 0,
            let salt = Base64.decode(String(parameters[1])), !salt.isEmpty,
            let storedKey = Base64.decode(String(keys[0])), storedKey.count == SHA256.digestLength,
            let serverKey = Base64.decode(String(keys[1])), serverKey.count == SHA256.digestLength
        else { return nil }
        self.init(iterations: iterations, salt: salt, storedKey: storedKey, serverKey: serverKey)
    }

    public var description: String {
        "SCRAM-SHA-256$\(iterations):\(Base64.encode(salt))$\(Base64.encode(storedKey)):\(Base64.encode(serverKey))"
    }

    /// Whether `password` is the one this verifier was made from (for HTTP Basic auth, where the
    /// client sends the password itself). Costs a PBKDF2 derivation.
    public func matches(password: String) -> Bool {
        let candidate = SCRAMVerifier(password: password, salt: salt, iterations: iterations)
        var difference: UInt8 = 0
        for (a, b) in zip(candidate.storedKey, storedKey) { difference |= a ^ b }
        return difference == 0
    }

    /// A verifier no password matches, for a user who does not exist: the exchange then looks
    /// the same as for a known user and fails like a wrong password.
    static func unknownUser(randomBytes: (Int) -> [UInt8]) -> SCRAMVerifier {
        SCRAMVerifier(
            iterations: defaultIterations, salt: randomBytes(16), storedKey: randomBytes(SHA256.digestLength),
            serverKey: randomBytes(SHA256.digestLength))
    }
}
