import RivuletCore

extension GroupKeyTable {
    /// Writes the keys of `ids`, in order, as key columns.
    func save(_ ids: [Int32], into writer: inout StateWriter) {
        var columns = keyTypes.map { Column(type: $0) }
        appendKeys(ids, into: &columns, at: 0)
        writer.write(ids.count)
        for column in columns { writer.write(column) }
    }

    /// Reads keys written by `save` and interns them: `ids[i]` is the id of the i-th key. The
    /// ids are not retained; the caller retains those its restored groups hold, then sweeps.
    func restoreKeys(from reader: inout StateReader, into ids: inout [Int32]) throws(SQLError) {
        let count = try reader.readCount()
        var columns: [Column] = []
        for type in keyTypes {
            let column = try reader.readColumn()
            guard column.count == count, column.kind == type.physical else {
                throw StateReader.corrupt("a key column that does not match the query's keys")
            }
            columns.append(column)
        }
        var batchColumns = [Column](repeating: Column(kind: .int64), count: (keyColumns.max() ?? -1) + 1)
        for (i, index) in keyColumns.enumerated() { batchColumns[index] = columns[i] }
        intern(RowBatch(columns: batchColumns, count: count), into: &ids)
    }
}
