import Foundation
import RivuletConnectors
import RivuletCore
import RivuletPlanner
import RivuletRuntime

/// A fresh temporary directory per test.
struct TempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "rivulet-conn-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        let full = (path as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: (path as NSString).appendingPathComponent(name), encoding: .utf8)
    }

    func files(in name: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: (path as NSString).appendingPathComponent(name)).sorted()
    }

    var context: ConnectorContext { ConnectorContext(workingDirectory: path, dataDirectory: path, badRecords: BadRecordLog()) }
}

func relation(
    _ fields: [Field], _ connector: String, _ options: [String: String], kind: Relation.Kind = .stream, primaryKey: [Int] = []
) -> Relation {
    relation("t", fields, connector, options, kind: kind, primaryKey: primaryKey)
}

func relation(
    _ name: String, _ fields: [Field], _ connector: String, _ options: [String: String], kind: Relation.Kind = .stream,
    primaryKey: [Int] = []
) -> Relation {
    var all = options
    all["connector"] = connector
    return Relation(
        name: name, kind: kind, schema: Schema(fields), connector: ConnectorSpec(connector: connector, options: all),
        primaryKey: primaryKey)
}

/// Every row a source produces, as values.
func readAll(_ reader: any SourceReader, types: [SQLType], maxRows: Int = 1000) throws -> [[Value]] {
    var rows: [[Value]] = []
    while let batch = try reader.nextBatch(maxRows: maxRows) {
        for row in 0..<batch.count { rows.append(batch.row(row, types: types)) }
    }
    return rows
}

func source(_ relation: Relation, columns: [Int]? = nil, context: ConnectorContext) throws -> any SourceReader {
    let factory = try BuiltinConnectors.registry.factory(for: relation.connector)
    try factory.validate(relation, asSink: false)
    return try factory.makeSource(relation, columns: columns ?? Array(relation.schema.fields.indices), context: context)
}

func sink(_ relation: Relation, context: ConnectorContext) throws -> any SinkWriter {
    let factory = try BuiltinConnectors.registry.factory(for: relation.connector)
    try factory.validate(relation, asSink: true)
    return try factory.makeSink(relation, context: context)
}

func batch(_ types: [SQLType], _ rows: [[Value]], kinds: [RowKind]? = nil) -> RowBatch {
    var batch = RowBatch(types: types)
    for (i, row) in rows.enumerated() { batch.appendRow(row, kind: kinds?[i] ?? .insert) }
    return batch
}

/// Catches the SQLError a throwing call raises.
func sqlError(_ body: () throws -> Void) -> SQLError? {
    do {
        try body()
        return nil
    } catch let error as SQLError {
        return error
    } catch {
        return SQLError(.internalError, "unexpected \(error)")
    }
}

let bidFields = [
    Field("auction", .bigint), Field("bidder", .bigint), Field("price", .bigint), Field("channel", .varchar),
    Field("url", .varchar), Field("dateTime", .timestamp3), Field("extra", .varchar),
]
