import RivuletCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unchecked access to the values of a `ByteColumn` inside a kernel loop.
struct StringView {
    let bytes: UnsafeBufferPointer<UInt8>
    let offsets: UnsafeBufferPointer<Int>

    @inline(__always)
    subscript(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[offsets[i]..<offsets[i + 1]])
    }
}

@inline(__always)
func withStringView<R>(_ column: ByteColumn, _ body: (StringView) throws(SQLError) -> R) throws(SQLError) -> R {
    let result: Result<R, SQLError> = column.bytes.withUnsafeBufferPointer { bytes in
        column.offsets.withUnsafeBufferPointer { offsets in
            Result { () throws(SQLError) -> R in try body(StringView(bytes: bytes, offsets: offsets)) }
        }
    }
    return try result.get()
}

/// Byte-wise equality (UTF-8 strings are equal exactly when their bytes are).
@inline(__always)
func bytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
}

/// Lexicographic byte order, which is code point order for UTF-8: negative, zero or positive.
@inline(__always)
func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let n = min(a.count, b.count)
    if n > 0 {
        let c = memcmp(a.baseAddress!, b.baseAddress!, n)
        if c != 0 { return Int(c) }
    }
    return a.count - b.count
}

/// Whether `byte` starts a UTF-8 character (is not a continuation byte).
@inline(__always)
func isCharacterStart(_ byte: UInt8) -> Bool { byte & 0xC0 != 0x80 }

/// Number of characters (code points) in UTF-8 text.
@inline(__always)
func characterCount(_ text: UnsafeBufferPointer<UInt8>) -> Int {
    var n = 0
    for byte in text where isCharacterStart(byte) { n += 1 }
    return n
}

/// Byte length of the UTF-8 character starting with `lead`.
@inline(__always)
func characterLength(_ lead: UInt8) -> Int {
    if lead < 0x80 { return 1 }
    if lead >= 0xF0 { return 4 }
    if lead >= 0xE0 { return 3 }
    return lead >= 0xC0 ? 2 : 1
}
