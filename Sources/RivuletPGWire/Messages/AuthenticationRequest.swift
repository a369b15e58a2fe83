/// The body of an Authentication ('R') message.
public enum AuthenticationRequest: Hashable, Sendable {
    /// Code 0.
    case ok
    /// Code 3: send the password in clear text.
    case cleartextPassword
    /// Code 10: the SASL mechanisms the server offers.
    case sasl(mechanisms: [String])
    /// Code 11: a SASL challenge (SCRAM's server-first-message).
    case saslContinue([UInt8])
    /// Code 12: SASL outcome data (SCRAM's server-final-message).
    case saslFinal([UInt8])

    var code: Int32 {
        switch self {
        case .ok: return 0
        case .cleartextPassword: return 3
        case .sasl: return 10
        case .saslContinue: return 11
        case .saslFinal: return 12
        }
    }
}
