public import RivuletPGWire

/// The users of `rivulet serve --users`: one `NAME:ROLE:VERIFIER` line per user, where the
/// verifier is SCRAM-SHA-256 as Postgres stores it (`SCRAMVerifier`), never a password. Blank
/// lines and lines starting with `#` are kept as they are. `rivulet user add` writes the lines.
public struct UsersFile: Sendable {
    public struct User: Hashable, Sendable {
        public var name: String
        public var role: Role
        public var verifier: SCRAMVerifier

        public init(name: String, role: Role, verifier: SCRAMVerifier) {
            self.name = name
            self.role = role
            self.verifier = verifier
        }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    private enum Line {
        case other(String)
        case user(User)
    }

    private var lines: [Line]

    public var users: [User] {
        lines.compactMap { if case .user(let user) = $0 { user } else { nil } }
    }

    public init() { lines = [] }

    /// Parses a file's text. A `user:password` line is refused: passwords are not kept in files.
    public init(parsing text: String) throws(ParseError) {
        var lines: [Line] = []
        var raw = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if raw.last == "" { raw.removeLast() }
        for (index, line) in raw.enumerated() {
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                lines.append(.other(line))
                continue
            }
            let fields = trimmed.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, !fields[0].isEmpty, let role = Role(rawValue: String(fields[1])),
                let verifier = SCRAMVerifier(parsing: String(fields[2]))
            else {
                throw ParseError(
                    line: index + 1,
                    message: "expected NAME:ROLE:SCRAM-SHA-256$... (role reader, writer or admin); "
                        + "plain passwords are not accepted: run `rivulet user add NAME` to write the line")
            }
            lines.append(.user(User(name: String(fields[0]), role: role, verifier: verifier)))
        }
        self.lines = lines
    }

    /// Adds `user`, or replaces the line of the user of that name.
    public mutating func set(_ user: User) {
        if let index = lines.firstIndex(where: { if case .user(let old) = $0 { old.name == user.name } else { false } }) {
            lines[index] = .user(user)
        } else {
            lines.append(.user(user))
        }
    }

    public var text: String {
        lines.map { line in
            switch line {
            case .other(let text): text
            case .user(let user): "\(user.name):\(user.role.rawValue):\(user.verifier)"
            }
        }.joined(separator: "\n") + "\n"
    }

    /// Each user's role.
    public var roles: [String: Role] {
        Dictionary(users.map { ($0.name, $0.role) }, uniquingKeysWith: { $1 })
    }

    /// The server's authentication: SCRAM-SHA-256 against the users' verifiers.
    public var authentication: Authentication {
        .scramSHA256(users: Dictionary(users.map { ($0.name, $0.verifier) }, uniquingKeysWith: { $1 }))
    }
}

extension String {
    fileprivate var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
