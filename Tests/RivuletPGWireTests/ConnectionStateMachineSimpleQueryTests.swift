import RivuletCore
import RivuletPGWire
import Testing

/// Protocol traces of the simple query protocol.
struct ConnectionStateMachineSimpleQueryTests {
    @Test func queryRunsThenReadyForQuery() {
        var machine = ConnectionStateMachine.ready()
        #expect(machine.received(.query("SELECT 1; SELECT 2")) == [.executeQuery("SELECT 1; SELECT 2")])
        #expect(machine.executionCompleted() == [.readyForQuery])
        #expect(machine.received(.query("SELECT 3")) == [.executeQuery("SELECT 3")])
    }

    @Test func failureSendsErrorWithPositionThenReady() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.queryReceived("SELECT a FORM t")
        let error = SQLError.expected(
            "FROM", found: "FORM", at: SourceSpan(at: SourceLocation(line: 1, column: 10, offset: 9)))
        #expect(
            machine.executionFailed(error)
                == [.error(.syntaxError, "expected FROM, found FORM", position: 10), .readyForQuery])
        #expect(machine.queryReceived("SELECT 1") == [.executeQuery("SELECT 1")])
    }

    @Test func queryWhileOneRunsIsAHandlerBug() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.queryReceived("PUSH")
        #expect(machine.queryReceived("SELECT 1").last == .closeConnection)
    }

    @Test func transactionStatusFollowsCommandTags() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.queryReceived("BEGIN")
        #expect(machine.commandCompleted(tag: "BEGIN") == [])
        #expect(machine.executionCompleted() == [.send(.readyForQuery(.inTransaction))])
        _ = machine.queryReceived("SELECT a FORM t")
        #expect(machine.executionFailed(SQLError.syntax("bad", at: nil)).last == .send(.readyForQuery(.failedTransaction)))
        _ = machine.queryReceived("ROLLBACK")
        _ = machine.commandCompleted(tag: "ROLLBACK")
        #expect(machine.executionCompleted() == [.readyForQuery])
    }
}
