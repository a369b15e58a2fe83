import RivuletCore

/// A value that accumulators keep per slot (distinct values, retractable extremes) and write
/// to checkpoints as it is.
protocol StateCodable {
    func write(into writer: inout StateWriter)
    static func read(from reader: inout StateReader) throws(SQLError) -> Self
}

extension Int64: StateCodable {
    func write(into writer: inout StateWriter) { writer.write(self) }
    static func read(from reader: inout StateReader) throws(SQLError) -> Int64 { try reader.readInt64() }
}

extension Int128: StateCodable {
    func write(into writer: inout StateWriter) { writer.write(wide: self) }
    static func read(from reader: inout StateReader) throws(SQLError) -> Int128 { try reader.readWide() }
}

extension UInt64: StateCodable {
    func write(into writer: inout StateWriter) { writer.write(self) }
    static func read(from reader: inout StateReader) throws(SQLError) -> UInt64 { try reader.readUInt64() }
}

extension Double: StateCodable {
    func write(into writer: inout StateWriter) { writer.write(self) }
    static func read(from reader: inout StateReader) throws(SQLError) -> Double { try reader.readDouble() }
}

extension ByteString: StateCodable {
    func write(into writer: inout StateWriter) { writer.write(bytes: bytes) }
    static func read(from reader: inout StateReader) throws(SQLError) -> ByteString { ByteString(bytes: try reader.readBytes()) }
}
