import ArgumentParser
import Foundation
import RivuletPGWire
import RivuletServer

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the users file of `rivulet serve --users`.",
        subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a user to a users file, or replace the user's password and role.",
            discussion: """
                The password is read from the terminal without echo, or as one line of standard input \
                when it is piped. The file keeps a SCRAM-SHA-256 verifier (as Postgres stores it in \
                pg_authid), never the password.
                """)

        @Argument(help: "User name.")
        var name: String

        @Option(help: "reader (queries), writer (also INSERT and CREATE) or admin (also DROP and TERMINATE).")
        var role = "reader"

        @Option(help: "The users file; created when missing.")
        var file = "users.txt"

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role is reader, writer or admin") }
            guard !name.isEmpty, !name.contains(":"), !name.contains(where: \.isNewline) else {
                throw ValidationError("a user name is not empty and has no ':' or line break")
            }
        }

        func run() throws {
            var users = UsersFile()
            if FileManager.default.fileExists(atPath: file) {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw ValidationError("cannot read \(file)")
                }
                do {
                    users = try UsersFile(parsing: text)
                } catch {
                    throw ValidationError("\(file): \(error)")
                }
            }
            guard let password = readPassword(prompt: "Password for \(name): "), !password.isEmpty else {
                throw ValidationError("no password given")
            }
            users.set(.init(name: name, role: Role(rawValue: role)!, verifier: SCRAMVerifier(password: password)))
            // Readable by its owner only: a verifier is not a password, but still lets anyone who
            // has it try passwords offline.
            guard FileManager.default.createFile(
                atPath: file, contents: Data(users.text.utf8), attributes: [.posixPermissions: 0o600])
            else { throw ValidationError("cannot write \(file)") }
        }
    }
}

/// One line of standard input; from a terminal, asked for and read without echo.
private func readPassword(prompt: String) -> String? {
    guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) }
    FileHandle.standardError.write(Data(prompt.utf8))
    var saved = termios()
    tcgetattr(STDIN_FILENO, &saved)
    var silent = saved
    silent.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
    defer {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        FileHandle.standardError.write(Data("\n".utf8))
    }
    return readLine(strippingNewline: true)
}
