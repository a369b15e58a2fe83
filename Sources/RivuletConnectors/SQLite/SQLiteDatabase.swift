import CSQLite
import Foundation
import RivuletCore

/// A connection to one SQLite database file, with errors as `SQLError`s naming the file.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String

    init(path: String) throws(SQLError) {
        self.path = path
        // A sink's database may live in a folder that does not exist yet, as Flink's file sinks do.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLError(.ioError, "cannot open SQLite database '\(path)': \(message)")
        }
        handle = db
        // Writers of one file take turns (sinks write only at flushes and checkpoints, briefly).
        sqlite3_busy_timeout(db, 30_000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    func error(_ doing: String) -> SQLError {
        SQLError(.ioError, "SQLite database '\(path)': \(doing) failed: \(String(cString: sqlite3_errmsg(handle)))")
    }

    func execute(_ sql: String) throws(SQLError) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw SQLError(.ioError, "SQLite database '\(path)': \(text) (in: \(sql))")
        }
    }

    func prepare(_ sql: String) throws(SQLError) -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw error("preparing '\(sql)'")
        }
        return SQLiteStatement(statement, database: self)
    }

    /// `"name"` with embedded quotes doubled.
    static func quoted(_ name: String) -> String {
        "\"" + String(name.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }
}

/// A prepared statement; parameters are 1-based, result columns 0-based.
final class SQLiteStatement {
    let handle: OpaquePointer
    private let database: SQLiteDatabase
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    func bind(_ index: Int32, int value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, double value: Double) { sqlite3_bind_double(handle, index, value) }
    func bindNull(_ index: Int32) { sqlite3_bind_null(handle, index) }

    func bind(_ index: Int32, text: UnsafeBufferPointer<UInt8>) {
        let base = text.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
        if let base {
            sqlite3_bind_text(handle, index, base, Int32(text.count), Self.transient)
        } else {
            sqlite3_bind_text(handle, index, "", 0, Self.transient)
        }
    }

    func bind(_ index: Int32, text: String) {
        var text = text
        text.withUTF8 { bind(index, text: $0) }
    }

    /// Runs one step: true when a row is available.
    @discardableResult
    func step() throws(SQLError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw database.error("executing '\(String(cString: sqlite3_sql(handle)))'")
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func columnType(_ index: Int32) -> Int32 { sqlite3_column_type(handle, index) }
    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
    func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// The column's text, valid until the next step.
    func text(_ index: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let base = sqlite3_column_text(handle, index) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base, count: Int(sqlite3_column_bytes(handle, index)))
    }

    func string(_ index: Int32) -> String { String(decoding: text(index), as: UTF8.self) }
}
