import Crypto
import RivuletCore
import RivuletPlanner

/// MD5, SHA1, SHA224, SHA256, SHA384, SHA512 and SHA2(s, bits): the digest of the text's UTF-8
/// bytes as lower-case hex, as Flink's.
enum DigestFunctions {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        switch function {
        case .md5: return digest(args) { Array(Insecure.MD5.hash(data: $0)) }
        case .sha1: return digest(args) { Array(Insecure.SHA1.hash(data: $0)) }
        case .sha224: return digest(args, hash(bits: 224)!)
        case .sha256: return digest(args, hash(bits: 256)!)
        case .sha384: return digest(args, hash(bits: 384)!)
        case .sha512: return digest(args, hash(bits: 512)!)
        case .sha2:
            guard args.count == 2 else { throw ArithmeticKernels.arity(function, args.count) }
            if case .int(let bits)? = args[1].constant, hash(bits: bits) == nil { throw unsupported(bits) }
            let bits = args[1]
            return CompiledNode(type: .varchar, children: args, mayThrow: true) { input throws(SQLError) in
                let (values, widths) = (try args[0].run(input), try bits.run(input))
                let validity = Validity.and(values.validity, widths.validity)
                var out = ByteColumn()
                for i in 0..<input.count {
                    if validity?.isValid(i) ?? true {
                        guard let hash = hash(bits: widths.ints[i]) else { throw unsupported(widths.ints[i]) }
                        values.strings.withBytes(i) { appendHex(hash($0), to: &out.bytes) }
                    }
                    out.offsets.append(out.bytes.count)
                }
                return Column(strings: out, validity: validity)
            }
        default:
            throw SQLError.internal("\(function) is not a digest function")
        }
    }

    private typealias Hash = @Sendable (UnsafeBufferPointer<UInt8>) -> [UInt8]

    /// The SHA-2 digest of `bits` bits (one place for each, whichever function names it).
    private static func hash(bits: Int64) -> Hash? {
        switch bits {
        case 224: return sha224
        case 256: return { Array(SHA256.hash(data: $0)) }
        case 384: return { Array(SHA384.hash(data: $0)) }
        case 512: return { Array(SHA512.hash(data: $0)) }
        default: return nil
        }
    }

    private static func unsupported(_ bits: Int64) -> SQLError {
        SQLError(.invalidParameterValue, "SHA2 computes 224, 256, 384 or 512 bits, not \(bits)")
    }

    private static func digest(_ args: [CompiledNode], _ hash: @escaping Hash) -> CompiledNode {
        StringFunctions.text(args) { cols, i, out in
            cols[0].strings.withBytes(i) { appendHex(hash($0), to: &out) }
            return true
        }
    }

    private static func appendHex(_ bytes: [UInt8], to out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
    }

    /// SHA-224: SHA-256's compression with its own initial state, cut to 28 bytes.
    /// swift-crypto has no SHA-224, so the compression is here (FIPS 180-4, section 6.3).
    private static let sha224: Hash = { data in
        var state: [UInt32] = [
            0xc105_9ed8, 0x367c_d507, 0x3070_dd17, 0xf70e_5939, 0xffc0_0b31, 0x6858_1511, 0x64f9_8fa7, 0xbefa_4fa4,
        ]
        var message = Array(data)
        let bitLength = UInt64(message.count) * 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        for block in stride(from: 0, to: message.count, by: 64) {
            SHA256Compression.compress(&state, message[block..<(block + 64)])
        }
        var out: [UInt8] = []
        for word in state.prefix(7) {
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return out
    }
}

/// The SHA-256 block compression (FIPS 180-4, 6.2.2), for SHA-224.
enum SHA256Compression {
    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func compress(_ state: inout [UInt32], _ block: ArraySlice<UInt8>) {
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        var w = [UInt32](repeating: 0, count: 64)
        let base = block.startIndex
        for t in 0..<16 {
            w[t] = (0..<4).reduce(0) { $0 << 8 | UInt32(block[base + 4 * t + $1]) }
        }
        for t in 16..<64 {
            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, h) = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
        for t in 0..<64 {
            let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[t] &+ w[t]
            let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
            (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        for (i, value) in [a, b, c, d, e, f, g, h].enumerated() { state[i] = state[i] &+ value }
    }
}
