public import NIOCore
public import RivuletCore

/// Writes backend messages into a buffer; the caller sends `buffer` and then resets it.
///
/// Each typed message is `UInt8 type, Int32 length, body`, the length (which counts itself)
/// backfilled once the body is written.
public struct BackendMessageEncoder: Sendable {
    public var buffer: ByteBuffer

    public init(buffer: ByteBuffer = ByteBuffer()) {
        self.buffer = buffer
    }

    /// Takes the encoded bytes, leaving the encoder empty (its storage reused when possible).
    public mutating func take() -> ByteBuffer {
        let bytes = buffer
        buffer.clear()
        return bytes
    }

    public mutating func encode(_ message: BackendMessage) {
        switch message {
        case .encryptionRefused:
            buffer.writeInteger(UInt8(ascii: "N"))
        case .authentication(let request):
            framed(.authentication) { buffer in
                buffer.writeInteger(request.code)
                switch request {
                case .ok, .cleartextPassword: break
                case .sasl(let mechanisms):
                    for mechanism in mechanisms { buffer.writeCString(mechanism) }
                    buffer.writeInteger(UInt8(0))
                case .saslContinue(let data), .saslFinal(let data):
                    buffer.writeBytes(data)
                }
            }
        case .parameterStatus(let name, let value):
            framed(.parameterStatus) { buffer in
                buffer.writeCString(name)
                buffer.writeCString(value)
            }
        case .backendKeyData(let key):
            framed(.backendKeyData) { buffer in
                buffer.writeInteger(key.processID)
                buffer.writeInteger(key.secret)
            }
        case .readyForQuery(let status):
            framed(.readyForQuery) { $0.writeInteger(status.rawValue) }
        case .rowDescription(let columns):
            framed(.rowDescription) { buffer in
                buffer.writeInteger(Int16(truncatingIfNeeded: columns.count))
                for column in columns {
                    buffer.writeCString(column.name)
                    buffer.writeInteger(Int32(0))  // table OID: not a table column
                    buffer.writeInteger(Int16(0))  // attribute number
                    buffer.writeInteger(column.type.rawValue)
                    buffer.writeInteger(column.type.typeLength)
                    buffer.writeInteger(column.typeModifier)
                    buffer.writeInteger(column.format.rawValue)
                }
            }
        case .dataRow(let values):
            encodeDataRow(values)
        case .commandComplete(let tag):
            framed(.commandComplete) { $0.writeCString(tag) }
        case .emptyQueryResponse:
            framed(.emptyQueryResponse) { _ in }
        case .errorResponse(let fields):
            framed(.errorResponse) { $0.writeErrorFields(fields) }
        case .noticeResponse(let fields):
            framed(.noticeResponse) { $0.writeErrorFields(fields) }
        case .parseComplete:
            framed(.parseComplete) { _ in }
        case .bindComplete:
            framed(.bindComplete) { _ in }
        case .closeComplete:
            framed(.closeComplete) { _ in }
        case .noData:
            framed(.noData) { _ in }
        case .parameterDescription(let types):
            framed(.parameterDescription) { buffer in
                buffer.writeInteger(Int16(truncatingIfNeeded: types.count))
                for type in types { buffer.writeInteger(type.rawValue) }
            }
        case .portalSuspended:
            framed(.portalSuspended) { _ in }
        }
    }

    /// DataRow in text format, straight from the values (the hot path of result streaming).
    /// `types` names the columns' types, which nested values need (a ROW's field names).
    public mutating func encodeDataRow(_ values: [Value], types: [SQLType] = []) {
        framed(.dataRow) { buffer in
            buffer.writeInteger(Int16(truncatingIfNeeded: values.count))
            for (index, value) in values.enumerated() {
                guard let text = index < types.count ? value.pgText(as: types[index]) : value.pgText else {
                    buffer.writeInteger(Int32(-1))
                    continue
                }
                let lengthIndex = buffer.writerIndex
                buffer.writeInteger(Int32(0))
                let written = buffer.writeString(text)
                buffer.setInteger(Int32(written), at: lengthIndex)
            }
        }
    }

    /// DataRow with Bind's result formats: binary columns in Postgres binary format for their
    /// `types`, the rest in text. A value that has no binary form for its column throws.
    public mutating func encodeDataRow(_ values: [Value], types: [SQLType], formats: [FormatCode]) throws(SQLError) {
        guard formats.contains(.binary) else {
            encodeDataRow(values, types: types)
            return
        }
        let start = buffer.writerIndex
        var failure: SQLError?
        framed(.dataRow) { buffer in
            buffer.writeInteger(Int16(truncatingIfNeeded: values.count))
            for (index, value) in values.enumerated() {
                if value.isNull {
                    buffer.writeInteger(Int32(-1))
                    continue
                }
                let lengthIndex = buffer.writerIndex
                buffer.writeInteger(Int32(0))
                if formats.format(at: index) == .binary {
                    let type = index < types.count ? types[index] : .varchar
                    guard value.writePGBinary(as: type, into: &buffer) else {
                        failure = SQLError(.featureNotSupported, "cannot send \(value) as binary \(type)")
                        return
                    }
                } else {
                    buffer.writeString((index < types.count ? value.pgText(as: types[index]) : value.pgText) ?? "")
                }
                buffer.setInteger(Int32(buffer.writerIndex - lengthIndex - 4), at: lengthIndex)
            }
        }
        if let failure {
            buffer.moveWriterIndex(to: start)
            throw failure
        }
    }

    private mutating func framed(_ id: BackendMessage.ID, _ body: (inout ByteBuffer) -> Void) {
        buffer.writeInteger(id.rawValue)
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        body(&buffer)
        buffer.setInteger(Int32(buffer.writerIndex - lengthIndex), at: lengthIndex)
    }
}

extension ByteBuffer {
    mutating func writeCString(_ text: String) {
        // A NUL inside a string would end it early on the client; Postgres text never holds one.
        writeString(text.contains("\0") ? text.replacingNULs() : text)
        writeInteger(UInt8(0))
    }

    fileprivate mutating func writeErrorFields(_ fields: ErrorFields) {
        func field(_ code: Character, _ value: String) {
            writeInteger(code.asciiValue!)
            writeCString(value)
        }
        field("S", fields.severity.rawValue)
        field("V", fields.severity.rawValue)
        field("C", fields.state.code)
        field("M", fields.message)
        if let detail = fields.detail { field("D", detail) }
        if let hint = fields.hint { field("H", hint) }
        if let position = fields.position { field("P", String(position)) }
        writeInteger(UInt8(0))
    }
}

extension String {
    fileprivate func replacingNULs() -> String {
        String(unicodeScalars.filter { $0 != "\0" }.map(Character.init))
    }
}
