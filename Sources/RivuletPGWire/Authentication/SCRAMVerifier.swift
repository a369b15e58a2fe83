import Crypto
import _CryptoExtras

/// What a server keeps of a SCRAM-SHA-256 password, as Postgres stores it in `pg_authid`:
/// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64). It checks a client's
/// proof and signs the answer, but does not give the password back, nor anything a client could
/// log in with.
public struct SCRAMVerifier: Hashable, Sendable, CustomStringConvertible {
    public static let defaultIterations = 4096
    /// The iteration counts PBKDF2 takes (a 32-bit count).
    public static let iterationRange = 1...Int(UInt32.max)

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
    ///
    /// - Precondition: `iterations` is in `iterationRange`.
    public init(password: String, salt: [UInt8], iterations: Int = defaultIterations) {
        let salted = Self.saltedPassword(password, salt: salt, iterations: iterations)
        self.init(
            iterations: iterations, salt: salt,
            storedKey: Array(SHA256.hash(data: Self.hmac(key: salted, message: Array("Client Key".utf8)))),
            serverKey: Self.hmac(key: salted, message: Array("Server Key".utf8)))
    }

    /// SCRAM's SaltedPassword: PBKDF2-HMAC-SHA-256 of the password, 32 bytes.
    ///
    /// Postgres and libpq use 4096 rounds, fewer than swift-crypto's floor for new password
    /// hashes, hence the unchecked variant. With a count in `iterationRange`, the derivation
    /// fails only when BoringSSL cannot allocate, which the server does not survive anyway.
    static func saltedPassword(_ password: String, salt: [UInt8], iterations: Int) -> SymmetricKey {
        precondition(iterationRange.contains(iterations), "PBKDF2 iteration count out of range: \(iterations)")
        do {
            return try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: SHA256.byteCount,
                unsafeUncheckedRounds: iterations)
        } catch {
            fatalError("PBKDF2-HMAC-SHA-256 failed: \(error)")
        }
    }

    /// HMAC-SHA-256 of `message`.
    static func hmac(key: SymmetricKey, message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    /// HMAC-SHA-256 of `message` under a key given as bytes.
    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        hmac(key: SymmetricKey(data: key), message: message)
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
        guard parameters.count == 2, keys.count == 2, let iterations = Int(parameters[0]), Self.iterationRange.contains(iterations),
            let salt = [UInt8](canonicalBase64: String(parameters[1])), !salt.isEmpty,
            let storedKey = [UInt8](canonicalBase64: String(keys[0])), storedKey.count == SHA256.byteCount,
            let serverKey = [UInt8](canonicalBase64: String(keys[1])), serverKey.count == SHA256.byteCount
        else { return nil }
        self.init(iterations: iterations, salt: salt, storedKey: storedKey, serverKey: serverKey)
    }

    public var description: String {
        "SCRAM-SHA-256$\(iterations):\(salt.base64)$\(storedKey.base64):\(serverKey.base64)"
    }

    /// Whether `password` is the one this verifier was made from (for HTTP Basic auth, where the
    /// client sends the password itself). Costs a PBKDF2 derivation.
    public func matches(password: String) -> Bool {
        let salted = Self.saltedPassword(password, salt: salt, iterations: iterations)
        // A digest compares in constant time.
        return SHA256.hash(data: Self.hmac(key: salted, message: Array("Client Key".utf8))) == storedKey
    }

    /// A verifier no password matches, for a user who does not exist: the exchange then looks
    /// the same as for a known user and fails like a wrong password.
    static func unknownUser(randomBytes: (Int) -> [UInt8]) -> SCRAMVerifier {
        SCRAMVerifier(
            iterations: defaultIterations, salt: randomBytes(16), storedKey: randomBytes(SHA256.byteCount),
            serverKey: randomBytes(SHA256.byteCount))
    }
}
