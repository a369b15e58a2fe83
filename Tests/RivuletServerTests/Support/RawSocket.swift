import Foundation

extension Array where Element: Equatable {
    fileprivate func ends(with suffix: [Element]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}

/// A blocking TCP connection to 127.0.0.1, for plain HTTP requests and bytes no client would send.
struct RawSocket {
    let descriptor: Int32

    /// - Parameter receiveBuffer: the kernel's receive buffer in bytes (SO_RCVBUF), to make a
    ///   client that does not read fill up sooner.
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            _ = Glibc.close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { return }
            sent += count
        }
    }

    /// Everything until the peer closes (or the read times out).
    func receiveAll() -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { return received }
            received += buffer[0..<count]
        }
    }

    /// Reads until `marker` has been received (or the peer closes, or the read times out).
    func receive(until marker: [UInt8]) -> [UInt8] {
        var received: [UInt8] = []
        var byte: UInt8 = 0
        while !received.ends(with: marker) {
            guard read(descriptor, &byte, 1) == 1 else { return received }
            received.append(byte)
        }
        return received
    }

    func close() { _ = Glibc.close(descriptor) }

    /// `GET path` over HTTP/1.1; returns the status code and body.
    static func httpGet(port: Int, path: String, headers: [String] = []) throws -> (status: Int, body: String) {
        let socket = try RawSocket(port: port)
        defer { socket.close() }
        let extra = headers.map { "\($0)\r\n" }.joined()
        socket.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(extra)Connection: close\r\n\r\n".utf8))
        let text = String(decoding: socket.receiveAll(), as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return (0, text) }
        let status = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, String(text[headEnd.upperBound...]))
    }

    /// A simple-protocol Query message.
    static func queryMessage(_ sql: String) -> [UInt8] {
        let body = Array(sql.utf8) + [0]
        return [UInt8(ascii: "Q")] + withUnsafeBytes(of: UInt32(body.count + 4).bigEndian, Array.init) + body
    }

    /// ReadyForQuery, idle.
    static let readyForQuery: [UInt8] = [UInt8(ascii: "Z"), 0, 0, 0, 5, UInt8(ascii: "I")]

    /// A startup message for `user` on database `rivulet` (protocol 3.0).
    static func startupMessage(user: String) -> [UInt8] {
        var body: [UInt8] = [0, 3, 0, 0]
        for (key, value) in [("user", user), ("database", "rivulet")] {
            body += Array(key.utf8) + [0] + Array(value.utf8) + [0]
        }
        body.append(0)
        let length = UInt32(body.count + 4)
        return withUnsafeBytes(of: length.bigEndian, Array.init) + body
    }
}
