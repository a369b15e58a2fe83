import RivuletCore
import RivuletPGWire
import Testing

/// Protocol traces of the extended query protocol.
struct ConnectionStateMachineExtendedQueryTests {
    typealias Action = ConnectionStateMachine.Action
    let schema = Schema([Field("id", .integer)])

    @Test func unnamedStatementRoundTrip() {
        var machine = ConnectionStateMachine.ready()
        #expect(
            machine.received(.parse(.init(statementName: "", query: "SELECT * FROM t WHERE id = $1")))
                == [.inferParameterTypes("SELECT * FROM t WHERE id = $1", declared: [:])])
        // `id` is an INT: the untyped text "5" becomes the number 5.
        #expect(machine.parameterTypesInferred([1: .integer]) == [.send(.parseComplete)])
        #expect(
            machine.received(.bind(.init(portalName: "", statementName: "", parameters: [Array("5".utf8)])))
                == [.send(.bindComplete)])
        #expect(machine.received(.describe(.portal(""))) == [.describe("SELECT * FROM t WHERE id = 5", parameterTypes: [:])])
        #expect(machine.describeCompleted(schema) == [.send(.rowDescription(ColumnDescription.describing(schema)))])
        #expect(
            machine.received(.execute(.init(portalName: "")))
                == [
                    .executePortal(
                        .init(portalName: "", sql: "SELECT * FROM t WHERE id = 5", maxRows: 0, resumes: false))
                ])
        #expect(machine.executionCompleted() == [])
        #expect(machine.received(.sync) == [.discardPortals([""]), .readyForQuery])
    }

    @Test func typedParametersAreSplicedByType() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "s", query: "SELECT $1, $2", parameterTypes: [.int8, .bool]))
        _ = machine.bindReceived(
            .init(portalName: "p", statementName: "s", parameters: [Array("-7".utf8), Array("t".utf8)]))
        #expect(
            machine.executeReceived(.init(portalName: "p"))
                == [.executePortal(.init(portalName: "p", sql: "SELECT (-7), TRUE", maxRows: 0, resumes: false))])
    }

    @Test func binaryIntegerParameterIsDecoded() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "", query: "SELECT $1", parameterTypes: [.int4]))
        #expect(
            machine.bindReceived(
                .init(portalName: "", statementName: "", parameterFormats: [.binary], parameters: [[0xFF, 0xFF, 0xFF, 0xFE]]))
                == [.send(.bindComplete)])
        #expect(
            machine.executeReceived(.init(portalName: ""))
                == [.executePortal(.init(portalName: "", sql: "SELECT (-2)", maxRows: 0, resumes: false))])
    }

    @Test func describeStatementSendsParameterTypesThenRowsOrNoData() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "s", query: "INSERT INTO t VALUES ($1, $2)", parameterTypes: [.int4]))
        #expect(machine.parameterTypesInferred([1: .integer, 2: .bigint]) == [.send(.parseComplete)])
        #expect(
            machine.describeReceived(.statement("s"))
                == [.describe("INSERT INTO t VALUES ($1, $2)", parameterTypes: [1: .integer, 2: .bigint])])
        #expect(
            machine.describeCompleted(StatementDescription(parameterTypes: [1: .integer, 2: .bigint], columns: nil))
                == [.send(.parameterDescription([.int4, .int8])), .send(.noData)])
    }

    @Test func aPlaceholderNothingTypesIsText() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "s", query: "SELECT $1"))
        #expect(machine.parameterTypesInferred([:]) == [.send(.parseComplete)])
        _ = machine.describeReceived(.statement("s"))
        #expect(
            machine.describeCompleted(StatementDescription(columns: schema))
                == [.send(.parameterDescription([.text])), .send(.rowDescription(ColumnDescription.describing(schema)))])
    }

    @Test func declaredTypesWinOverInferredOnes() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "s", query: "SELECT $1 + $2", parameterTypes: [.float8]))
        #expect(machine.parameterTypesInferred([1: .integer, 2: .integer]) == [.send(.parseComplete)])
        _ = machine.bindReceived(.init(portalName: "", statementName: "s", parameters: [Array("1.5".utf8), Array("2".utf8)]))
        #expect(
            machine.executeReceived(.init(portalName: ""))
                == [.executePortal(.init(portalName: "", sql: "SELECT 1.5 + 2", maxRows: 0, resumes: false))])
    }

    @Test func untypedTextParametersAreSplicedByTheirInferredTypes() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "", query: "INSERT INTO t VALUES ($1, $2, $3)"))
        _ = machine.parameterTypesInferred([1: .bigint, 2: .varchar, 3: .timestamp3])
        _ = machine.bindReceived(
            .init(
                portalName: "", statementName: "",
                parameters: [Array("7".utf8), Array("7".utf8), Array("2024-01-02 03:04:05".utf8)]))
        #expect(
            machine.executeReceived(.init(portalName: ""))
                == [
                    .executePortal(
                        .init(
                            portalName: "", sql: "INSERT INTO t VALUES (7, '7', TIMESTAMP '2024-01-02 03:04:05')",
                            maxRows: 0, resumes: false))
                ])
    }

    @Test func binaryParametersOfInferredTypesAreDecoded() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "", query: "SELECT $1, $2, $3"))
        _ = machine.parameterTypesInferred([1: .timestamp3, 2: .date, 3: .decimal(precision: 10, scale: 2)])
        // 2024-01-02 03:04:05.5 as microseconds since 2000-01-01; the same day; -12345.67.
        let micros = Int64(757_479_845_500_000)
        let timestamp = (0..<8).map { UInt8(truncatingIfNeeded: micros >> (56 - 8 * $0)) }
        let date: [UInt8] = [0, 0, 0x22, 0x3F]
        let numeric: [UInt8] = [0, 3, 0, 1, 0x40, 0, 0, 2, 0, 1, 0x09, 0x29, 0x1A, 0x2C]
        _ = machine.bindReceived(
            .init(
                portalName: "", statementName: "", parameterFormats: [.binary],
                parameters: [timestamp, date, numeric]))
        #expect(
            machine.executeReceived(.init(portalName: ""))
                == [
                    .executePortal(
                        .init(
                            portalName: "", sql: "SELECT TIMESTAMP '2024-01-02 03:04:05.500', DATE '2024-01-02', (-12345.67)",
                            maxRows: 0, resumes: false))
                ])
    }

    @Test func rowLimitSuspendsAndResumesThePortal() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "", query: "SELECT 1"))
        _ = machine.bindReceived(.init(portalName: "c", statementName: ""))
        #expect(
            machine.executeReceived(.init(portalName: "c", maxRows: 2))
                == [.executePortal(.init(portalName: "c", sql: "SELECT 1", maxRows: 2, resumes: false))])
        #expect(machine.portalSuspended() == [.send(.portalSuspended)])
        #expect(
            machine.executeReceived(.init(portalName: "c", maxRows: 2))
                == [.executePortal(.init(portalName: "c", sql: "SELECT 1", maxRows: 2, resumes: true))])
        #expect(machine.executionCompleted() == [])
    }

    @Test func errorSkipsEverythingUntilSync() {
        var machine = ConnectionStateMachine.ready()
        #expect(
            machine.received(.bind(.init(portalName: "", statementName: "nope")))
                == [.error(.invalidSQLStatementName, "prepared statement \"nope\" does not exist")])
        #expect(machine.received(.describe(.portal(""))) == [])
        #expect(machine.received(.execute(.init(portalName: ""))) == [])
        #expect(machine.received(.query("SELECT 1")) == [])
        #expect(machine.received(.sync) == [.readyForQuery])
        #expect(machine.received(.query("SELECT 1")) == [.executeQuery("SELECT 1")])
    }

    @Test func executionErrorPositionRefersToTheClientText() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "", query: "SELECT $1 FORM t"))
        // The engine could not describe the statement: its error comes when it runs.
        #expect(machine.parameterTypesInferred(nil) == [.send(.parseComplete)])
        _ = machine.bindReceived(.init(portalName: "", statementName: "", parameters: [Array("long value".utf8)]))
        _ = machine.executeReceived(.init(portalName: ""))
        // The engine saw "SELECT 'long value' FORM t" and points at offset 20.
        let error = SQLError.expected("FROM", found: "FORM", at: SourceSpan(at: SourceLocation(line: 1, column: 21, offset: 20)))
        #expect(machine.executionFailed(error) == [.error(.syntaxError, "expected FROM, found FORM", position: 11)])
        #expect(machine.syncReceived() == [.discardPortals([""]), .readyForQuery])
    }

    @Test func parameterCountMustMatch() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "", query: "SELECT $1, $2"))
        _ = machine.parameterTypesInferred([:])
        #expect(
            machine.bindReceived(.init(portalName: "", statementName: "", parameters: [nil]))
                == [
                    .error(
                        .protocolViolation,
                        "bind message supplies 1 parameters, but prepared statement \"\" requires 2")
                ])
    }

    @Test func namedStatementsAreUniqueUntilClosed() {
        var machine = ConnectionStateMachine.ready()
        #expect(machine.parseReceived(.init(statementName: "s", query: "SELECT 1")) == [.send(.parseComplete)])
        #expect(
            machine.parseReceived(.init(statementName: "s", query: "SELECT 2"))
                == [.error(.duplicatePreparedStatement, "prepared statement \"s\" already exists")])
        _ = machine.syncReceived()
        #expect(machine.closeReceived(.statement("s")) == [.send(.closeComplete)])
        #expect(machine.parseReceived(.init(statementName: "s", query: "SELECT 2")) == [.send(.parseComplete)])
    }

    @Test func aDeclaredCursorIsDescribedAsAPortal() {
        var machine = ConnectionStateMachine.ready()
        #expect(machine.describeReceived(.portal("c1")) == [.describeCursor("c1")])
        #expect(machine.describeCompleted(schema) == [.send(.rowDescription(ColumnDescription.describing(schema)))])
        #expect(machine.describeReceived(.portal("nope")) == [.describeCursor("nope")])
        #expect(
            machine.executionFailed(SQLError(.invalidCursorName, "portal \"nope\" does not exist"))
                == [.error(.invalidCursorName, "portal \"nope\" does not exist")])
    }

    @Test func unknownPortalIsAnError() {
        var machine = ConnectionStateMachine.ready()
        #expect(
            machine.executeReceived(.init(portalName: "x"))
                == [.error(.invalidCursorName, "portal \"x\" does not exist")])
    }

    @Test func binaryResultFormatsTravelWithThePortal() {
        var machine = ConnectionStateMachine.ready()
        _ = machine.parseReceived(.init(statementName: "", query: "SELECT 1"))
        #expect(machine.bindReceived(.init(portalName: "", statementName: "", resultFormats: [.binary])) == [.send(.bindComplete)])
        #expect(machine.describeReceived(.portal("")) == [.describe("SELECT 1", parameterTypes: [:])])
        #expect(
            machine.describeCompleted(schema)
                == [.send(.rowDescription([ColumnDescription(name: "id", type: .int4, format: .binary)]))])
        #expect(
            machine.executeReceived(.init(portalName: ""))
                == [.executePortal(.init(portalName: "", sql: "SELECT 1", maxRows: 0, resumes: false, resultFormats: [.binary]))])
    }
}
