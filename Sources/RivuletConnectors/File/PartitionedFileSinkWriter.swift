public import RivuletCore
import RivuletPlanner
public import RivuletRuntime

/// A filesystem sink `PARTITIONED BY` some of its columns, as Flink's: each row goes to a part
/// file under `path/col1=value1/col2=value2/`, the partition columns left out of the file. A
/// NULL or empty value is the partition `__DEFAULT_PARTITION__`; characters a path cannot hold
/// plainly are escaped as `%XX`, as Flink (and Hive) name partition folders.
public final class PartitionedFileSinkWriter: SinkWriter {
    static let defaultPartitionName = "__DEFAULT_PARTITION__"

    private let relationName: String
    private let directory: String
    private let format: FileFormat
    private let partitionColumns: [Int]
    private let partitionNames: [String]
    private let partitionTypes: [SQLType]
    private let dataColumns: [Int]
    private let dataFields: [Field]
    /// One writer per partition folder (relative to `directory`), opened when a row first goes there.
    private var writers: [String: FileSinkWriter] = [:]

    init(relation: Relation, format: FileFormat, context: ConnectorContext) {
        relationName = relation.name
        self.format = format
        directory = FileList.resolve(format.path, against: context.workingDirectory)
        partitionColumns = relation.partitionColumns
        partitionNames = relation.partitionColumns.map { relation.schema[$0].name }
        partitionTypes = relation.partitionColumns.map { relation.schema[$0].type }
        dataColumns = relation.schema.fields.indices.filter { !relation.partitionColumns.contains($0) }
        dataFields = dataColumns.map { relation.schema[$0] }
    }

    public var rowsWritten: Int { writers.values.reduce(0) { $0 + $1.rowsWritten } }

    public func write(_ batch: RowBatch) throws {
        try FileSinkWriter.refuseChanges(batch, sink: relationName)
        var rowsByFolder: [String: [Int]] = [:]
        var order: [String] = []
        for row in 0..<batch.count {
            let folder = partitionColumns.indices.map { i in
                let value = batch.columns[partitionColumns[i]].value(at: row, type: partitionTypes[i])
                return "\(Self.escaped(partitionNames[i]))=\(Self.folderName(value))"
            }.joined(separator: "/")
            if rowsByFolder[folder] == nil { order.append(folder) }
            rowsByFolder[folder, default: []].append(row)
        }
        for folder in order {
            let rows = batch.gather(rowsByFolder[folder]!)
            let data = RowBatch(columns: dataColumns.map { rows.columns[$0] }, count: rows.count)
            try writer(for: folder).write(data)
        }
    }

    public func flush() throws {
        for writer in writers.values { try writer.flush() }
    }

    public func close() throws {
        for writer in writers.values { try writer.close() }
    }

    private func writer(for folder: String) throws -> FileSinkWriter {
        if let writer = writers[folder] { return writer }
        let writer = try FileSinkWriter(
            relationName: relationName, directory: directory + "/" + folder, fields: dataFields, format: format)
        writers[folder] = writer
        return writer
    }

    /// The folder name of one partition value.
    static func folderName(_ value: Value) -> String {
        let text = value.isNull ? "" : value.description
        return text.isEmpty ? defaultPartitionName : escaped(text)
    }

    /// `text` with the characters Flink escapes in partition paths written `%XX`.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || "\"#%'*/:=?\\{}[]^".unicodeScalars.contains(scalar) {
                out += "%" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
