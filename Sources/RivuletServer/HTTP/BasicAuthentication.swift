import Foundation
import Hummingbird
import NIOCore
import RivuletPGWire

/// HTTP Basic authentication against the same SCRAM verifiers pgwire uses: a request without a
/// known user's name and password gets 401 and a challenge, so a browser asks for them.
struct BasicAuthentication: RouterMiddleware {
    typealias Context = ConsoleRequestContext

    /// nil on a server without users: every request passes.
    let verifiers: [String: SCRAMVerifier]?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let verifiers else { return try await next(request, context) }
        guard let user = Self.user(request.headers[.authorization], verifiers) else {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Basic realm=\"rivulet\", charset=\"UTF-8\"", .contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "a user's name and password are needed\n")))
        }
        var context = context
        context.user = user
        return try await next(request, context)
    }

    /// The user an Authorization header names, when it is HTTP Basic with that user's password.
    static func user(_ header: String?, _ verifiers: [String: SCRAMVerifier]) -> String? {
        guard let header, header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let credentials = String(data: decoded, encoding: .utf8), let colon = credentials.firstIndex(of: ":")
        else { return nil }
        let user = String(credentials[..<colon])
        guard let verifier = verifiers[user], verifier.matches(password: String(credentials[credentials.index(after: colon)...]))
        else { return nil }
        return user
    }
}
