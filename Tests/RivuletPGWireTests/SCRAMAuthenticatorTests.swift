import Crypto
import Foundation
@testable import RivuletPGWire
import Testing

/// SCRAM-SHA-256 and its primitives against published test vectors.
struct SCRAMAuthenticatorTests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test func hmacVector() {
        // RFC 4231, test case 2.
        #expect(
            Self.hex(SCRAMVerifier.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func pbkdf2Vector() {
        // RFC 7914, section 11 (the first 32 of its 64 bytes).
        let salted = SCRAMVerifier.saltedPassword("passwd", salt: Array("salt".utf8), iterations: 1)
        #expect(
            Self.hex(salted.withUnsafeBytes { Array($0) })
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
    }

    @Test func emptyPasswordDerivesAndMatches() {
        let verifier = SCRAMVerifier(password: "", salt: [1, 2, 3])
        #expect(verifier.matches(password: ""))
        #expect(!verifier.matches(password: "x"))
        #expect(!SCRAMVerifier(password: "x", salt: [1, 2, 3]).matches(password: ""))
    }

    @Test func base64IsCanonical() {
        for length in 0..<8 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 200) }
            #expect([UInt8](canonicalBase64: bytes.base64) == bytes)
        }
        #expect(Array("n,,".utf8).base64 == "biws")
        for text in ["bi=s", "YR==", "biw", "YQ", " biws", "bi ws", "biws\n"] {
            #expect([UInt8](canonicalBase64: text) == nil, "\(text.debugDescription)")
        }
    }

    /// RFC 7677's example exchange.
    @Test func rfc7677Exchange() throws {
        var scram = SCRAMAuthenticator(
            password: "pencil", salt: try #require([UInt8](canonicalBase64: "W22ZaJ0SNY7soEsUEjb6gQ==")),
            serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")
        let clientFirst = Array("n,,n=user,r=rOprNGfwEbeRWgbNEkqO".utf8)
        let initial = Array("SCRAM-SHA-256".utf8) + [0] + FrontendBytes.int32(Int32(clientFirst.count)) + clientFirst
        let serverFirst = try scram.clientFirst(initial)
        #expect(
            String(decoding: serverFirst, as: UTF8.self)
                == "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
        let serverFinal = try scram.clientFinal(
            Array(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
                    .utf8))
        #expect(String(decoding: serverFinal, as: UTF8.self) == "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    }

    /// The verifier Postgres would store for RFC 7677's user, computed independently.
    static let pencilVerifier =
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="

    @Test func verifierHasPostgresTextForm() throws {
        let derived = SCRAMVerifier(password: "pencil", salt: try #require([UInt8](canonicalBase64: "W22ZaJ0SNY7soEsUEjb6gQ==")))
        #expect(derived.description == Self.pencilVerifier)
        #expect(SCRAMVerifier(parsing: Self.pencilVerifier) == derived)
        for text in [
            "pencil", "SCRAM-SHA-256$4096:W22Z$abc:def", "SCRAM-SHA-256$0:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d:wfPL", "md5abc",
            // Iteration counts PBKDF2 cannot take, and base64 that is not canonical.
            Self.pencilVerifier.replacingOccurrences(of: "$4096:", with: "$4294967296:"),
            Self.pencilVerifier.replacingOccurrences(of: "$4096:", with: "$-1:"),
            Self.pencilVerifier.replacingOccurrences(of: "W22ZaJ0SNY7soEsUEjb6gQ==", with: "W22ZaJ0SNY7soEsUEjb6gR=="),
        ] {
            #expect(SCRAMVerifier(parsing: text) == nil)
        }
    }

    /// The exchange needs only the stored verifier, not the password.
    @Test func verifierAloneAuthenticates() throws {
        var scram = SCRAMAuthenticator(
            verifier: try #require(SCRAMVerifier(parsing: Self.pencilVerifier)), serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            channelBinding: nil)
        _ = try scram.clientFirst(Self.initial("SCRAM-SHA-256", "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"))
        let serverFinal = try scram.clientFinal(
            Array(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
                    .utf8))
        #expect(String(decoding: serverFinal, as: UTF8.self) == "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    }

    @Test func invalidUTF8IsRefused() throws {
        var first = SCRAMAuthenticator(password: "pw", salt: [1], serverNonce: "srv")
        let bad: [UInt8] = [0x6E, 0x2C, 0x2C, 0x6E, 0x3D, 0xFF, 0xFE, 0x2C, 0x72, 0x3D, 0x61]
        #expect(throws: SCRAMAuthenticator.Failure.malformed("invalid SCRAM message: not valid UTF-8")) {
            try first.clientFirst(Array("SCRAM-SHA-256".utf8) + [0] + FrontendBytes.int32(Int32(bad.count)) + bad)
        }
        #expect(throws: SCRAMAuthenticator.Failure.self) {
            try first.clientFirst(Array("SCRAM-\u{FF}".utf8) + [0xC3, 0x28, 0] + FrontendBytes.int32(0))
        }
        var final = SCRAMAuthenticator(password: "pw", salt: [1], serverNonce: "srv")
        _ = try final.clientFirst(Self.initial("SCRAM-SHA-256", "n,,n=,r=cli"))
        #expect(throws: SCRAMAuthenticator.Failure.malformed("invalid SCRAM message: not valid UTF-8")) {
            try final.clientFinal([0x63, 0x3D, 0xC3, 0x28, 0x2C, 0x70, 0x3D])
        }
        // Through the state machine: a fatal protocol error and the connection closed.
        var machine = ConnectionStateMachine(
            configuration: .init(authentication: .scramSHA256(users: ["u": SCRAMVerifier(password: "pw", salt: [1])])))
        _ = machine.startupReceived(.init(parameters: ["user": "u"]))
        #expect(machine.passwordReceived(Array("SCRAM-SHA-256".utf8) + [0] + FrontendBytes.int32(Int32(bad.count)) + bad).last == .closeConnection)
    }

    @Test func wrongProofIsRejected() throws {
        var scram = SCRAMAuthenticator(
            password: "not pencil", salt: try #require([UInt8](canonicalBase64: "W22ZaJ0SNY7soEsUEjb6gQ==")),
            serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")
        let clientFirst = Array("n,,n=user,r=rOprNGfwEbeRWgbNEkqO".utf8)
        _ = try scram.clientFirst(Array("SCRAM-SHA-256".utf8) + [0] + FrontendBytes.int32(Int32(clientFirst.count)) + clientFirst)
        #expect(throws: SCRAMAuthenticator.Failure.rejected) {
            try scram.clientFinal(
                Array(
                    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
                        .utf8))
        }
    }

    @Test func stateMachineRunsTheExchange() {
        var machine = ConnectionStateMachine(
            configuration: .init(
                authentication: .scramSHA256(users: ["u": SCRAMVerifier(password: "pw", salt: [UInt8](repeating: 1, count: 16))])),
            randomBytes: { [UInt8](repeating: 1, count: $0) })
        #expect(
            machine.startupReceived(.init(parameters: ["user": "u"]))
                == [.send(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))])
        let clientFirst = Array("n,,n=,r=abc".utf8)
        let actions = machine.passwordReceived(
            Array("SCRAM-SHA-256".utf8) + [0] + FrontendBytes.int32(Int32(clientFirst.count)) + clientFirst)
        #expect(
            actions == [.send(.authentication(.saslContinue(Array("r=abcAQEBAQEBAQEBAQEBAQEBAQEB,s=AQEBAQEBAQEBAQEBAQEBAQ==,i=4096".utf8))))])
        #expect(
            machine.passwordReceived(Array("c=biws,r=abcAQEBAQEBAQEBAQEBAQEBAQEB,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".utf8))
                == [.error(.invalidPassword, "password authentication failed for user \"u\"", severity: .fatal), .closeConnection])
    }

    /// The client's side of the final message, as libpq computes it.
    static func clientFinal(password: String, salt: [UInt8], clientFirstBare: String, serverFirst: String, binding: [UInt8]) -> [UInt8] {
        let nonce = String(serverFirst.split(separator: ",")[0].dropFirst(2))
        let withoutProof = "c=\(binding.base64),r=\(nonce)"
        let salted = SCRAMVerifier.saltedPassword(password, salt: salt, iterations: SCRAMVerifier.defaultIterations)
        let clientKey = SCRAMVerifier.hmac(key: salted, message: Array("Client Key".utf8))
        let signature = SCRAMVerifier.hmac(
            key: Array(SHA256.hash(data: clientKey)), message: Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8))
        let proof = zip(clientKey, signature).map { $0 ^ $1 }
        return Array("\(withoutProof),p=\(proof.base64)".utf8)
    }

    static func initial(_ mechanism: String, _ clientFirst: String) -> [UInt8] {
        Array(mechanism.utf8) + [0] + FrontendBytes.int32(Int32(clientFirst.utf8.count)) + Array(clientFirst.utf8)
    }

    @Test func plusBindsTheProofToTheServerCertificate() throws {
        let endPoint: [UInt8] = [9, 8, 7, 6]
        let salt: [UInt8] = [1, 2, 3, 4]
        func exchange(binding: [UInt8]) throws(SCRAMAuthenticator.Failure) -> [UInt8] {
            var scram = SCRAMAuthenticator(password: "pw", salt: salt, serverNonce: "srv", channelBinding: endPoint)
            #expect(scram.mechanisms == ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"])
            let header = "p=tls-server-end-point,,"
            let serverFirst = String(decoding: try scram.clientFirst(Self.initial("SCRAM-SHA-256-PLUS", header + "n=,r=cli")), as: UTF8.self)
            return try scram.clientFinal(
                Self.clientFinal(password: "pw", salt: salt, clientFirstBare: "n=,r=cli", serverFirst: serverFirst, binding: binding))
        }
        let header = Array("p=tls-server-end-point,,".utf8)
        #expect(String(decoding: try exchange(binding: header + endPoint), as: UTF8.self).hasPrefix("v="))
        // The right password through a connection to another server (a man in the middle) fails.
        #expect(throws: SCRAMAuthenticator.Failure.malformed("SCRAM channel binding check failed")) {
            try exchange(binding: header + [1, 1, 1, 1])
        }
    }

    @Test func bindingIsNegotiatedHonestly() throws {
        // Offered only with TLS.
        var plain = SCRAMAuthenticator(password: "pw", salt: [1], serverNonce: "srv")
        #expect(plain.mechanisms == ["SCRAM-SHA-256"])
        #expect(throws: SCRAMAuthenticator.Failure.malformed("client selected an invalid SASL authentication mechanism")) {
            try plain.clientFirst(Self.initial("SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=cli"))
        }
        // "y": the client could bind but was told the server cannot, though it offered -PLUS.
        var offered = SCRAMAuthenticator(password: "pw", salt: [1], serverNonce: "srv", channelBinding: [1])
        #expect(throws: SCRAMAuthenticator.Failure.malformed("SCRAM channel binding negotiation error")) {
            try offered.clientFirst(Self.initial("SCRAM-SHA-256", "y,,n=,r=cli"))
        }
        var unknownType = SCRAMAuthenticator(password: "pw", salt: [1], serverNonce: "srv", channelBinding: [1])
        #expect(throws: SCRAMAuthenticator.Failure.malformed("unsupported SCRAM channel-binding type")) {
            try unknownType.clientFirst(Self.initial("SCRAM-SHA-256-PLUS", "p=tls-unique,,n=,r=cli"))
        }
    }

    @Test func theStateMachineOffersPlusOnceTheConnectionIsEncrypted() {
        var machine = ConnectionStateMachine(
            configuration: .init(authentication: .scramSHA256(users: ["u": SCRAMVerifier(password: "pw", salt: [1])])))
        machine.tlsEstablished(channelBinding: [1, 2])
        #expect(
            machine.startupReceived(.init(parameters: ["user": "u"]))
                == [.send(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"])))])
    }

    @Test func tlsServerEndPointHashesWithTheCertificateSignatureHash() {
        // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE { OID }, signature BIT STRING }
        func certificate(algorithm oid: [UInt8]) -> [UInt8] {
            let tbs: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x05]
            let algorithm: [UInt8] = [0x30, UInt8(oid.count + 2), 0x06, UInt8(oid.count)] + oid
            let signature: [UInt8] = [0x03, 0x02, 0x00, 0xFF]
            let body = tbs + algorithm + signature
            return [0x30, UInt8(body.count)] + body
        }
        let ecdsaSHA256: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]
        let ecdsaSHA384: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03]
        let der = certificate(algorithm: ecdsaSHA256)
        #expect(ChannelBinding.signatureAlgorithm(of: der) == ecdsaSHA256)
        #expect(ChannelBinding.tlsServerEndPoint(certificate: der) == Array(SHA256.hash(data: der)))
        let sha384Signed = certificate(algorithm: ecdsaSHA384)
        #expect(ChannelBinding.tlsServerEndPoint(certificate: sha384Signed) == Array(SHA384.hash(data: sha384Signed)))
        let ed25519: [UInt8] = [0x2B, 0x65, 0x70]
        #expect(ChannelBinding.tlsServerEndPoint(certificate: certificate(algorithm: ed25519)) == nil)
        #expect(ChannelBinding.tlsServerEndPoint(certificate: Array(der.prefix(7))) == nil)
    }
}
