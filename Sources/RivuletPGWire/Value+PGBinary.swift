public import NIOCore
public import RivuletCore

extension Value {
    /// Days from 1970-01-01 to Postgres' epoch, 2000-01-01.
    static let postgresEpochDays: Int64 = 10_957

    /// Writes the value in Postgres binary format for a column of `type` (length prefix not
    /// included). Returns false, writing nothing, when the value does not fit the type.
    public func writePGBinary(as type: SQLType, into buffer: inout ByteBuffer) -> Bool {
        switch (type, self) {
        case (.boolean, .boolean(let b)):
            buffer.writeInteger(UInt8(b ? 1 : 0))
        case (.integer, .int(let i)):
            guard let narrow = Int32(exactly: i) else { return false }
            buffer.writeInteger(narrow)
        case (.bigint, .int(let i)):
            buffer.writeInteger(i)
        case (.double, .double(let d)):
            buffer.writeInteger(d.bitPattern)
        case (.double, .int(let i)):
            buffer.writeInteger(Double(i).bitPattern)
        case (.varchar, .string(let s)), (.null, .string(let s)):
            buffer.writeString(s)
        case (.date, .date(let days)):
            guard let narrow = Int32(exactly: days - Self.postgresEpochDays) else { return false }
            buffer.writeInteger(narrow)
        case (.timestamp, .timestamp(let ms)):
            buffer.writeInteger((ms - Self.postgresEpochDays * 86_400_000) &* 1000)
        case (.intervalDayTime, .interval(let ms)):
            buffer.writeInteger(ms &* 1000)
            buffer.writeInteger(Int32(0))
            buffer.writeInteger(Int32(0))
        case (.intervalYearMonth, .intervalMonths(let months)):
            guard let narrow = Int32(exactly: months) else { return false }
            buffer.writeInteger(Int64(0))
            buffer.writeInteger(Int32(0))
            buffer.writeInteger(narrow)
        case (.decimal, .decimal(let unscaled, let scale)):
            Self.writeNumeric(unscaled: unscaled, scale: scale, into: &buffer)
        case (.decimal(_, let scale), .int(let i)):
            guard scale <= DecimalFormat.maxPrecision else { return false }
            Self.writeNumeric(unscaled: Int128(i) * DecimalFormat.widePowersOfTen[scale], scale: scale, into: &buffer)
        case (.map, .map), (.row, .row):
            buffer.writeString(ValueJSON.text(self, type: type))  // json's binary form is its text
        case (.array(let element), .array(let elements)):
            return Self.writeArray(elements, of: element, into: &buffer)
        default:
            return false
        }
        return true
    }

    /// A one-dimensional array's binary form: dimensions, a has-NULLs flag, the element oid,
    /// the length and lower bound (1), then each element length-prefixed (-1 for NULL).
    /// Arrays of arrays have no binary form here (Postgres' are rectangular).
    private static func writeArray(_ elements: [Value], of element: SQLType, into buffer: inout ByteBuffer) -> Bool {
        if case .array = element { return false }
        let start = buffer.writerIndex
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(Int32(elements.contains(where: \.isNull) ? 1 : 0))
        buffer.writeInteger(PGType(element).rawValue)
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(Int32(1))
        for value in elements {
            if value.isNull {
                buffer.writeInteger(Int32(-1))
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(Int32(0))
            guard value.writePGBinary(as: element, into: &buffer) else {
                buffer.moveWriterIndex(to: start)
                return false
            }
            buffer.setInteger(Int32(buffer.writerIndex - lengthIndex - 4), at: lengthIndex)
        }
        return true
    }

    /// `numeric`'s binary form: digit count, weight, sign and display scale, then base-10000
    /// digits, most significant first, without leading or trailing zero digits.
    private static func writeNumeric(unscaled: Int128, scale: Int, into buffer: inout ByteBuffer) {
        let digits = Array(String(unscaled.magnitude).utf8).map { Int16($0 - 48) }
        let padded = [Int16](repeating: 0, count: max(0, scale + 1 - digits.count)) + digits
        var integer = Array(padded.dropLast(scale))
        var fraction = Array(padded.suffix(scale))
        integer = [Int16](repeating: 0, count: (4 - integer.count % 4) % 4) + integer
        fraction += [Int16](repeating: 0, count: (4 - fraction.count % 4) % 4)
        func groups(_ ds: [Int16]) -> [Int16] {
            stride(from: 0, to: ds.count, by: 4).map { ds[$0] * 1000 + ds[$0 + 1] * 100 + ds[$0 + 2] * 10 + ds[$0 + 3] }
        }
        var all = groups(integer) + groups(fraction)
        var weight = groups(integer).count - 1
        while let first = all.first, first == 0 {
            all.removeFirst()
            weight -= 1
        }
        while let last = all.last, last == 0 { all.removeLast() }
        if all.isEmpty { weight = 0 }
        buffer.writeInteger(Int16(all.count))
        buffer.writeInteger(Int16(weight))
        buffer.writeInteger(UInt16(unscaled < 0 && !all.isEmpty ? 0x4000 : 0))
        buffer.writeInteger(Int16(scale))
        for group in all { buffer.writeInteger(group) }
    }
}
