public import NIOSSL

/// The PEM files a server presents to clients that ask for TLS: the certificate chain (the
/// server's certificate first) and its private key.
public struct TLSCertificateFiles: Hashable, Sendable {
    public var certificatePath: String
    public var privateKeyPath: String

    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }

    /// What a server needs for TLS: the context made from the files, and the certificate's
    /// channel-binding data for SCRAM-SHA-256-PLUS (nil when it offers none).
    struct Setup: Sendable {
        var context: NIOSSLContext
        var channelBinding: [UInt8]?
    }

    /// The server configuration alone (TLS 1.2 or later), for an HTTP library that makes its own context.
    public func makeServerConfiguration() throws(TLSSetupError) -> TLSConfiguration {
        try loadConfiguration().configuration
    }

    /// Loads both files into a server context (TLS 1.2 or later); a file that is missing or
    /// does not hold what it should throws `TLSSetupError` naming it.
    func makeSetup() throws(TLSSetupError) -> Setup {
        let (configuration, leaf) = try loadConfiguration()
        let channelBinding = (try? leaf.toDERBytes()).flatMap { ChannelBinding.tlsServerEndPoint(certificate: $0) }
        do {
            return Setup(context: try NIOSSLContext(configuration: configuration), channelBinding: channelBinding)
        } catch {
            throw TLSSetupError("the TLS certificate \(certificatePath) and key \(privateKeyPath) do not fit together: \(error)")
        }
    }

    /// The configuration made from both files, and the server's own certificate.
    private func loadConfiguration() throws(TLSSetupError) -> (configuration: TLSConfiguration, leaf: NIOSSLCertificate) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw TLSSetupError("cannot load the TLS certificate \(certificatePath): \(error)")
        }
        guard !chain.isEmpty else { throw TLSSetupError("no certificate in \(certificatePath)") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        } catch {
            throw TLSSetupError("cannot load the TLS private key \(privateKeyPath): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return (configuration, chain[0])
    }
}

/// A TLS certificate or key that cannot be used; the server does not start.
public struct TLSSetupError: Error, CustomStringConvertible, Sendable {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
