import RivuletCore
import RivuletPGWire
import Testing

/// Protocol traces: encryption negotiation, startup, authentication, cancel and terminate.
struct ConnectionStateMachineStartupTests {
    let key = BackendKey(processID: 9, secret: 77)
    let startup = FrontendMessage.Startup(parameters: ["user": "alice", "database": "db", "application_name": "psql"])

    @Test func sslIsRefusedAndStartupFollows() {
        var machine = ConnectionStateMachine()
        #expect(machine.received(.sslRequest) == [.send(.encryptionRefused)])
        #expect(machine.received(.gssEncryptionRequest) == [.send(.encryptionRefused)])
        #expect(
            machine.received(.startup(startup))
                == [.startSession(SessionStartup(user: "alice", database: "db", parameters: startup.parameters))])
    }

    @Test func trustStartupSendsStatusesKeyAndReady() {
        var machine = ConnectionStateMachine()
        _ = machine.startupReceived(startup)
        let actions = machine.sessionStarted(key: key)
        #expect(actions.first == .send(.authentication(.ok)))
        #expect(actions.suffix(2) == [.send(.backendKeyData(key)), .readyForQuery])
        for (name, value) in [
            ("server_version", "15.0 (Rivulet)"), ("server_encoding", "UTF8"), ("client_encoding", "UTF8"),
            ("DateStyle", "ISO, MDY"), ("integer_datetimes", "on"), ("standard_conforming_strings", "on"),
            ("TimeZone", "UTC"), ("application_name", "psql"),
        ] {
            #expect(actions.contains(.send(.parameterStatus(name: name, value: value))), "\(name)")
        }
    }

    @Test func databaseDefaultsToTheUser() {
        var machine = ConnectionStateMachine()
        #expect(
            machine.startupReceived(.init(parameters: ["user": "bob"]))
                == [.startSession(SessionStartup(user: "bob", database: "bob", parameters: ["user": "bob"]))])
    }

    @Test func startupWithoutUserIsRefused() {
        var machine = ConnectionStateMachine()
        #expect(
            machine.startupReceived(.init(parameters: [:]))
                == [
                    .error(.invalidAuthorization, "no PostgreSQL user name specified in startup packet", severity: .fatal),
                    .closeConnection,
                ])
    }

    @Test func cleartextPasswordAccepted() {
        var machine = ConnectionStateMachine(configuration: .init(authentication: .cleartextPassword(users: ["alice": "pw"])))
        #expect(machine.received(.startup(startup)) == [.send(.authentication(.cleartextPassword))])
        #expect(
            machine.received(.password(Array("pw".utf8) + [0]))
                == [.startSession(SessionStartup(user: "alice", database: "db", parameters: startup.parameters))])
        #expect(machine.sessionStarted(key: key).first == .send(.authentication(.ok)))
    }

    @Test func wrongPasswordAndUnknownUserAreRefusedAlike() {
        for (user, password) in [("alice", "nope"), ("mallory", "pw")] {
            var machine = ConnectionStateMachine(
                configuration: .init(authentication: .cleartextPassword(users: ["alice": "pw"])))
            _ = machine.startupReceived(.init(parameters: ["user": user]))
            #expect(
                machine.passwordReceived(Array(password.utf8) + [0])
                    == [
                        .error(.invalidPassword, "password authentication failed for user \"\(user)\"", severity: .fatal),
                        .closeConnection,
                    ])
        }
    }

    @Test func queryBeforeAuthenticationIsAProtocolViolation() {
        var machine = ConnectionStateMachine(configuration: .init(authentication: .cleartextPassword(users: [:])))
        _ = machine.startupReceived(startup)
        #expect(
            machine.queryReceived("SELECT 1")
                == [.error(.protocolViolation, "unexpected Query message", severity: .fatal), .closeConnection])
    }

    @Test func sessionRefusalIsFatal() {
        var machine = ConnectionStateMachine()
        _ = machine.startupReceived(startup)
        let error = SQLError(SQLState("3D000"), "database \"db\" does not exist")
        #expect(
            machine.sessionFailed(error)
                == [.send(.errorResponse(ErrorFields(error, severity: .fatal))), .closeConnection])
    }

    @Test func cancelRequestCancelsAndCloses() {
        var machine = ConnectionStateMachine()
        #expect(machine.received(.cancel(key)) == [.cancelQuery(key), .closeConnection])
    }

    @Test func terminateCloses() {
        var machine = ConnectionStateMachine.ready()
        #expect(machine.received(.terminate) == [.closeConnection])
    }

    @Test func decodingErrorIsFatalProtocolViolation() {
        var machine = ConnectionStateMachine.ready()
        #expect(
            machine.decodingFailed(FrontendMessageDecodingError("invalid frontend message type 63"))
                == [.error(.protocolViolation, "invalid frontend message type 63", severity: .fatal), .closeConnection])
    }
}
