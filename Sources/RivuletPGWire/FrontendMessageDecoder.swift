public import NIOCore

/// Decodes client bytes into `FrontendMessage`s, one frame per call.
///
/// Contract: returns nil (consuming nothing) while a frame is incomplete; returns one message
/// and consumes exactly its frame otherwise; throws `FrontendMessageDecodingError` for a frame
/// that can never be valid (bad length, unknown type, truncated fields). After a throw the
/// connection must be closed: the stream position is lost.
///
/// The first frame is the untyped startup packet (`Int32 length, Int32 code, body`). SSLRequest
/// and GSSENCRequest keep the decoder in startup mode (the client sends a StartupMessage next);
/// a StartupMessage switches it to typed frames (`UInt8 type, Int32 length, body`).
public struct FrontendMessageDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = FrontendMessage

    /// Postgres rejects startup packets longer than this.
    public static let maximumStartupPacketLength = 10_000

    static let protocolVersion3: UInt32 = 196_608
    static let sslRequestCode: UInt32 = 80_877_103
    static let cancelRequestCode: UInt32 = 80_877_102
    static let gssEncryptionRequestCode: UInt32 = 80_877_104

    private var expectsStartupPacket = true
    private let maximumMessageLength: Int

    /// - Parameter maximumMessageLength: the longest typed message accepted (its length field included).
    public init(maximumMessageLength: Int = 64 << 20) {
        self.maximumMessageLength = maximumMessageLength
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> FrontendMessage? {
        expectsStartupPacket ? try decodeStartupPacket(&buffer) : try decodeTypedMessage(&buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> FrontendMessage? {
        try decode(buffer: &buffer)
    }

    private mutating func decodeStartupPacket(_ buffer: inout ByteBuffer) throws -> FrontendMessage? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return nil }
        guard length >= 8, length <= Self.maximumStartupPacketLength else {
            throw FrontendMessageDecodingError("invalid length of startup packet: \(length)")
        }
        guard buffer.readableBytes >= Int(length), var body = buffer.readSlice(length: Int(length)) else { return nil }
        body.moveReaderIndex(forwardBy: 4)
        let code = body.readInteger(as: UInt32.self)!
        switch code {
        case Self.sslRequestCode:
            try body.expectEnd(of: "SSLRequest")
            return .sslRequest
        case Self.gssEncryptionRequestCode:
            try body.expectEnd(of: "GSSENCRequest")
            return .gssEncryptionRequest
        case Self.cancelRequestCode:
            guard let processID = body.readInteger(as: Int32.self), let secret = body.readInteger(as: Int32.self) else {
                throw FrontendMessageDecodingError("truncated CancelRequest")
            }
            try body.expectEnd(of: "CancelRequest")
            return .cancel(BackendKey(processID: processID, secret: secret))
        case let version where version >> 16 == 3:
            var parameters: [String: String] = [:]
            while true {
                let name = try body.readFrontendString(in: "StartupMessage")
                if name.isEmpty { break }
                parameters[name] = try body.readFrontendString(in: "StartupMessage")
            }
            try body.expectEnd(of: "StartupMessage")
            expectsStartupPacket = false
            return .startup(.init(protocolVersion: version, parameters: parameters))
        default:
            throw FrontendMessageDecodingError(
                "unsupported frontend protocol \(code >> 16).\(code & 0xFFFF): server supports 3.0")
        }
    }

    private func decodeTypedMessage(_ buffer: inout ByteBuffer) throws -> FrontendMessage? {
        guard let typeByte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
            let length = buffer.getInteger(at: buffer.readerIndex + 1, as: Int32.self)
        else { return nil }
        guard let id = FrontendMessage.ID(rawValue: typeByte) else {
            throw FrontendMessageDecodingError("invalid frontend message type \(typeByte)")
        }
        guard length >= 4, Int(length) <= maximumMessageLength else {
            throw FrontendMessageDecodingError("invalid message length \(length) for message type \(typeByte)")
        }
        guard buffer.readableBytes >= 1 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 5)
        var body = buffer.readSlice(length: Int(length) - 4)!
        let message = try Self.decodeBody(id, &body)
        try body.expectEnd(of: "\(id)")
        return message
    }

    private static func decodeBody(_ id: FrontendMessage.ID, _ body: inout ByteBuffer) throws -> FrontendMessage {
        let name = "\(id)"
        switch id {
        case .query:
            return .query(try body.readFrontendString(in: name))
        case .parse:
            let statement = try body.readFrontendString(in: name)
            let query = try body.readFrontendString(in: name)
            let count = try body.readCount(in: name)
            var types: [PGType] = []
            for _ in 0..<count { types.append(PGType(try body.readFrontendInteger(UInt32.self, in: name))) }
            return .parse(.init(statementName: statement, query: query, parameterTypes: types))
        case .bind:
            let portal = try body.readFrontendString(in: name)
            let statement = try body.readFrontendString(in: name)
            let parameterFormats = try body.readFormatCodes(in: name)
            let parameterCount = try body.readCount(in: name)
            var parameters: [[UInt8]?] = []
            for _ in 0..<parameterCount {
                let length = try body.readFrontendInteger(Int32.self, in: name)
                if length < 0 {
                    parameters.append(nil)
                } else {
                    guard let bytes = body.readBytes(length: Int(length)) else {
                        throw FrontendMessageDecodingError("truncated parameter value in Bind")
                    }
                    parameters.append(bytes)
                }
            }
            let resultFormats = try body.readFormatCodes(in: name)
            return .bind(
                .init(
                    portalName: portal, statementName: statement, parameterFormats: parameterFormats,
                    parameters: parameters, resultFormats: resultFormats))
        case .describe:
            return .describe(try body.readTarget(in: name))
        case .close:
            return .close(try body.readTarget(in: name))
        case .execute:
            let portal = try body.readFrontendString(in: name)
            return .execute(.init(portalName: portal, maxRows: try body.readFrontendInteger(Int32.self, in: name)))
        case .sync: return .sync
        case .flush: return .flush
        case .terminate: return .terminate
        case .password:
            return .password(body.readBytes(length: body.readableBytes) ?? [])
        }
    }
}

/// A frame that breaks the protocol; the connection gets ErrorResponse 08P01 and is closed.
public struct FrontendMessageDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ByteBuffer {
    mutating func readFrontendString(in message: String) throws -> String {
        guard let end = readableBytesView.firstIndex(of: 0) else {
            throw FrontendMessageDecodingError("unterminated string in \(message)")
        }
        let text = readString(length: end - readerIndex)!
        moveReaderIndex(forwardBy: 1)
        return text
    }

    mutating func readFrontendInteger<T: FixedWidthInteger>(_ type: T.Type, in message: String) throws -> T {
        guard let value = readInteger(as: T.self) else { throw FrontendMessageDecodingError("truncated \(message)") }
        return value
    }

    fileprivate mutating func readCount(in message: String) throws -> Int {
        let count = try readFrontendInteger(Int16.self, in: message)
        guard count >= 0 else { throw FrontendMessageDecodingError("negative count in \(message)") }
        return Int(count)
    }

    fileprivate mutating func readFormatCodes(in message: String) throws -> [FormatCode] {
        var codes: [FormatCode] = []
        for _ in 0..<(try readCount(in: message)) {
            let code = try readFrontendInteger(Int16.self, in: message)
            guard code == 0 || code == 1 else { throw FrontendMessageDecodingError("invalid format code \(code)") }
            codes.append(FormatCode(rawValue: code))
        }
        return codes
    }

    fileprivate mutating func readTarget(in message: String) throws -> FrontendMessage.Target {
        let kind = try readFrontendInteger(UInt8.self, in: message)
        let name = try readFrontendString(in: message)
        switch kind {
        case UInt8(ascii: "S"): return .statement(name)
        case UInt8(ascii: "P"): return .portal(name)
        default: throw FrontendMessageDecodingError("invalid \(message) target \(kind)")
        }
    }

    fileprivate func expectEnd(of message: String) throws {
        guard readableBytes == 0 else {
            throw FrontendMessageDecodingError("\(readableBytes) unexpected trailing bytes in \(message)")
        }
    }
}
