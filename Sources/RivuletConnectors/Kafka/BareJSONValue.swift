/// One column's bare JSON value (a ksqlDB key of one column, or a value with
/// `WRAP_SINGLE_VALUE = false`), read as the one field of an object so the JSON decoder's checks
/// and conversions apply to it.
struct BareJSONValue {
    private let prefix: [UInt8]

    init(column: String) {
        prefix = Array("{\"\(column)\":".utf8)
    }

    /// Replaces `scratch` with `{"column":` + `value` + `}`.
    func wrap(_ value: UnsafeBufferPointer<UInt8>, into scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: prefix)
        scratch.append(contentsOf: value)
        scratch.append(UInt8(ascii: "}"))
    }
}
