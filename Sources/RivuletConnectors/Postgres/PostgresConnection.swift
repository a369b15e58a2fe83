import CLibPQ
import Foundation
import RivuletCore

/// One libpq connection, with failures as `PostgresConnection.Failure`s that tell a lost
/// connection (worth retrying) from an error in what was sent.
final class PostgresConnection {
    struct Failure: Error {
        var message: String
        /// The server's SQLSTATE, when it sent one.
        var sqlState: String?
        /// The connection broke or could not be made: reconnecting and retrying may succeed.
        var isConnectionLoss: Bool

        var sqlError: SQLError {
            SQLError(isConnectionLoss ? .connectionFailure : .ioError, message)
        }
    }

    private let handle: OpaquePointer
    let location: String

    init(_ parameters: [(String, String)], location: String) throws(Failure) {
        self.location = location
        let connect = Self.withCStrings(parameters.map { Array($0.0.utf8) }) { keywords in
            Self.withCStrings(parameters.map { Array($0.1.utf8) }) { values in
                (keywords + [nil]).withUnsafeBufferPointer { k in
                    (values + [nil]).withUnsafeBufferPointer { v in PQconnectdbParams(k.baseAddress, v.baseAddress, 1) }
                }
            }
        }
        guard let handle = connect else {
            throw Failure(message: "cannot connect to Postgres at \(location): out of memory", sqlState: nil, isConnectionLoss: true)
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            throw Failure(message: "cannot connect to Postgres at \(location): \(message)", sqlState: nil, isConnectionLoss: true)
        }
        self.handle = handle
        _ = PQsetClientEncoding(handle, "UTF8")
        // Notices ("relation already exists, skipping") are not the user's concern.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit {
        PQfinish(handle)
    }

    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    func execute(_ sql: String) throws(Failure) {
        _ = try query(sql, parameters: [])
    }

    /// Runs one statement with text parameters (`$1`, ...; nil is NULL) and returns its rows as text.
    @discardableResult
    func query(_ sql: String, parameters: [[UInt8]?]) throws(Failure) -> [[String?]] {
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = PQexec(handle, sql)
        } else {
            result = Self.withCStrings(parameters) { pointers in
                PQexecParams(handle, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
            }
        }
        guard let result else { throw failure(doing: sql, result: nil) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(doing: sql, result: result) }
        var rows: [[String?]] = []
        let columns = PQnfields(result)
        for row in 0..<PQntuples(result) {
            rows.append((0..<columns).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        return rows
    }

    private func failure(doing sql: String, result: OpaquePointer?) -> Failure {
        let message = Self.trimmed(result.map { PQresultErrorMessage($0) } ?? PQerrorMessage(handle))
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        // Class 08 is connection exceptions; 57P01-57P03 a server shutting down or starting.
        let lost = isBroken || state == nil || state!.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state!)
        let shown = sql.count > 120 ? String(sql.prefix(117)) + "..." : sql
        return Failure(message: "Postgres at \(location): \(message) (in: \(shown))", sqlState: state, isConnectionLoss: lost)
    }

    private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown error" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func withCStrings<R>(_ values: [[UInt8]?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        buffers.reserveCapacity(values.count)
        for value in values {
            guard let value else {
                buffers.append(nil)
                continue
            }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: value.count + 1)
            for (i, byte) in value.enumerated() { buffer[i] = CChar(bitPattern: byte) }
            buffer[value.count] = 0
            buffers.append(buffer)
        }
        defer { for buffer in buffers { buffer?.deallocate() } }
        return body(buffers.map { $0.map { UnsafePointer($0) } })
    }
}
