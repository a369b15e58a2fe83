#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ
import Foundation
import RivuletCore

/// A libpq connection in logical replication mode (`replication=database`): replication
/// commands, then the CopyBoth stream of `START_REPLICATION`, read without blocking.
final class ReplicationConnection {
    private let handle: OpaquePointer
    private let location: String

    init(_ parameters: [(String, String)], location: String) throws(SQLError) {
        self.location = location
        let all = parameters + [("replication", "database")]
        let keywords = all.map { strdup($0.0) } + [nil]
        let values = all.map { strdup($0.1) } + [nil]
        defer { for pointer in keywords + values { free(pointer) } }
        let connected = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in PQconnectdbParams(k.baseAddress, v.baseAddress, 0) }
        }
        guard let connected else { throw SQLError(.connectionFailure, "cannot connect to Postgres at \(location): out of memory") }
        guard PQstatus(connected) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connected)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connected)
            throw SQLError(.connectionFailure, "cannot open a replication connection to Postgres at \(location): \(message)",
                           hint: "the server needs wal_level = logical, and the user the REPLICATION attribute")
        }
        handle = connected
    }

    deinit {
        PQfinish(handle)
    }

    /// Runs a replication command (`CREATE_REPLICATION_SLOT`, ...) and returns its rows as text.
    @discardableResult
    func command(_ sql: String) throws(SQLError) -> [[String?]] {
        guard let result = PQexec(handle, sql) else { throw failure(sql) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(sql, result) }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// `START_REPLICATION` of `slot` from `position` with pgoutput over `publication`; the
    /// connection then carries the stream. Retried for up to 30 s while the slot is still held by
    /// the connection of a process that just died (Postgres notices that within moments).
    func startStreaming(slot: String, from position: UInt64, publication: String) throws(SQLError) {
        let quotedPublication = PostgresCDCTable.quoted(publication).replacingOccurrences(of: "'", with: "''")
        let sql = "START_REPLICATION SLOT \(slot) LOGICAL \(LogSequenceNumber.text(position)) "
            + "(proto_version '1', publication_names '\(quotedPublication)')"
        let deadline = SystemClock.monotonicNanos() + 30_000_000_000
        while true {
            do {
                try beginCopyBoth(sql)
                return
            } catch {
                let slotStillHeld = error.message.contains("is active for PID")
                guard slotStillHeld, SystemClock.monotonicNanos() < deadline else { throw error }
            }
            usleep(100_000)
        }
    }

    private func beginCopyBoth(_ sql: String) throws(SQLError) {
        guard let result = PQexec(handle, sql) else { throw failure(sql) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COPY_BOTH else { throw failure(sql, result) }
    }

    /// The next message of the stream, or nil when none has arrived (after waiting up to
    /// `waitMillis` for one).
    func receive(waitMillis: Int32) throws(SQLError) -> [UInt8]? {
        if let message = try take() { return message }
        guard waitMillis > 0 else { return nil }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, waitMillis)
        return try take()
    }

    private func take() throws(SQLError) -> [UInt8]? {
        guard PQconsumeInput(handle) == 1 else { throw failure("reading the replication stream") }
        var buffer: UnsafeMutablePointer<CChar>?
        let length = PQgetCopyData(handle, &buffer, 1)
        if length > 0, let buffer {
            defer { PQfreemem(buffer) }
            return Array(UnsafeRawBufferPointer(start: buffer, count: Int(length)).bindMemory(to: UInt8.self))
        }
        if length == 0 { return nil }
        throw failure("reading the replication stream")
    }

    func send(_ bytes: [UInt8]) throws(SQLError) {
        let sent = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1, PQflush(handle) == 0 else { throw failure("sending a standby status update") }
    }

    private func failure(_ doing: String, _ result: OpaquePointer? = nil) -> SQLError {
        let message = String(cString: result.map { PQresultErrorMessage($0) } ?? PQerrorMessage(handle))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let lost = PQstatus(handle) != CONNECTION_OK
        return SQLError(lost ? .connectionFailure : .ioError, "Postgres at \(location): \(doing): \(message)")
    }
}
