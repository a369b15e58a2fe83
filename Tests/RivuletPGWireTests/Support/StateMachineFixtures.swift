import RivuletCore
import RivuletPGWire

extension ConnectionStateMachine {
    /// A machine that has completed startup (trust) and is ready for queries.
    static func ready() -> ConnectionStateMachine {
        var machine = ConnectionStateMachine()
        _ = machine.startupReceived(.init(parameters: ["user": "u"]))
        _ = machine.sessionStarted(key: BackendKey(processID: 1, secret: 2))
        return machine
    }
}

extension ConnectionStateMachine.Action {
    static func error(_ state: SQLState, _ message: String, severity: ErrorFields.Severity = .error, position: Int? = nil)
        -> Self
    {
        .send(.errorResponse(ErrorFields(severity: severity, state: state, message: message, position: position)))
    }

    static let readyForQuery = Self.send(.readyForQuery(.idle))
}
