import Foundation

/// The shell's standard output and error. Writes go straight to the file descriptors, so rows of
/// a push query appear at once and interleave correctly with readline's prompt.
enum Output {
    static func line(_ text: String) {
        self.text(text + "\n")
    }

    static func text(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
