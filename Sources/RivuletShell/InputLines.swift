import Glibc

/// Lines of a file descriptor (piped standard input), read with read(2). Ctrl-C while waiting
/// ends the input (`interrupted` tells so); the standard library's `readLine` would retry the
/// interrupted read forever.
struct InputLines: Sequence, IteratorProtocol {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var ended = false

    init(descriptor: Int32 = STDIN_FILENO) {
        self.descriptor = descriptor
    }

    mutating func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = [] }
                return String(decoding: buffer, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[..<count]
            } else if count < 0, errno == EINTR {
                if !Interrupts.pending { continue }
                // Ctrl-C: a half-read line is not run.
                buffer = []
                ended = true
            } else {
                ended = true
            }
        }
    }
}
