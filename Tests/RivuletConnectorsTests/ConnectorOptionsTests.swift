import RivuletConnectors
import RivuletCore
import RivuletRuntime
import Testing

@Suite struct ConnectorOptionsTests {
    func validate(_ connector: String, _ options: [String: String], asSink: Bool = false) -> SQLError? {
        let t = relation([Field("a", .bigint)], connector, options)
        return sqlError { try BuiltinConnectors.registry.factory(for: t.connector).validate(t, asSink: asSink) }
    }

    @Test func missingPathIsNamed() {
        #expect(validate("filesystem", ["format": "csv"])?.message == "missing option 'path' for connector 'filesystem'")
    }

    @Test func unknownOptionGetsADidYouMeanHint() {
        let error = validate("filesystem", ["path": "x", "format": "csv", "csv.field-delimeter": ";"])
        #expect(error?.message == "unknown option 'csv.field-delimeter' for connector 'filesystem'")
        #expect(error?.hint == "did you mean 'csv.field-delimiter'?")
    }

    @Test func unknownFormatIsRejected() {
        let error = validate("file", ["path": "x", "format": "avro"])
        #expect(error?.message.contains("invalid value 'avro' for option 'format'") == true)
    }

    /// Every connector's duration options read Flink's spellings through `DurationText`.
    @Test func durationOptionsTakeFlinksSpellings() {
        #expect(validate("filesystem", ["path": "x", "format": "csv", "source.monitor-interval": "2s"]) == nil)
        #expect(validate("filesystem", ["path": "x", "format": "csv", "source.monitor-interval": "1 d"]) == nil)
        let error = validate("filesystem", ["path": "x", "format": "csv", "source.monitor-interval": "1 fortnight"])
        #expect(error?.message == "invalid duration '1 fortnight' for option 'source.monitor-interval' of connector 'filesystem'")
        #expect(error?.hint?.contains("a bare number is milliseconds") == true)
    }

    @Test func flinkTuningOptionsAreAccepted() {
        #expect(validate("filesystem", ["path": "x", "format": "csv", "sink.rolling-policy.file-size": "128MB"], asSink: true) == nil)
    }

    @Test func generatorsAreNotSinks() {
        #expect(validate("nexmark", ["kind": "bid"], asSink: true)?.message.contains("source only") == true)
    }

    @Test func blackholeIsDeclaredLikeAnyTableButCannotBeRead() {
        #expect(validate("blackhole", [:], asSink: false) == nil)
        let t = relation([Field("a", .bigint)], "blackhole", [:])
        let context = ConnectorContext(workingDirectory: "/tmp", dataDirectory: "/tmp", badRecords: BadRecordLog())
        let error = sqlError { _ = try BuiltinConnectors.registry.factory(for: t.connector).makeSource(t, columns: [0], context: context) }
        #expect(error?.message.contains("only be a sink") == true)
    }

    @Test func unknownConnector() {
        let spec = relation([Field("a", .bigint)], "kafak", [:]).connector
        #expect(sqlError { _ = try BuiltinConnectors.registry.factory(for: spec) }?.message == "unknown connector 'kafak'")
    }
}
