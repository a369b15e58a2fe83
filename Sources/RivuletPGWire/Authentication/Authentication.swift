/// How clients prove who they are.
public enum Authentication: Hashable, Sendable {
    /// Anyone may connect as any user (Postgres' `trust`).
    case trust
    /// The client sends the user's password in clear text; `users` maps user names to passwords.
    case cleartextPassword(users: [String: String])
    /// SCRAM-SHA-256 (Postgres' default): the password never crosses the wire, and the server
    /// keeps only each user's verifier.
    case scramSHA256(users: [String: SCRAMVerifier])
}
