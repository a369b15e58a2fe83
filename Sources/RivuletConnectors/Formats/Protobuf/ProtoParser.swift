/// Reads `.proto` text into a `ProtoSchema`: a tokenizer and a recursive-descent parser of
/// the declarations a schema holds (`syntax`, `package`, `import`, `option`, `message`, `enum`,
/// with `oneof`, `map<K, V>`, nested types, `reserved`, `extensions`), then a pass resolving
/// each field's type name by protobuf's scoping rules. Services and `extend` blocks are skipped.
struct ProtoParser {
    private struct Token {
        enum Kind: Equatable {
            case identifier
            case integer
            case string
            case symbol
            case end
        }

        var kind: Kind
        var text: String
        var line: Int
        var column: Int
    }

    /// A field as written, before its type name is resolved.
    private struct RawField {
        var name: String
        var number: Int
        var label: ProtoField.Label
        var typeName: String
        /// `map<K, V>`: the key type and the value's type name.
        var mapKey: ProtoScalar?
        var oneof: String?
        var line: Int
        var column: Int
    }

    private struct RawMessage {
        var fullName: String
        var name: String
        var fields: [RawField] = []
        var nested: [String] = []
    }

    private var tokens: [Token] = []
    private var index = 0
    private var syntax = ProtoSchema.Syntax.proto2
    private var package = ""
    private var imports: [String] = []
    private var messages: [RawMessage] = []
    private var enums: [String: ProtoEnum] = [:]
    private var topLevel: [String] = []

    init(text: String) {
        tokens = Self.tokenize(Array(text.unicodeScalars))
    }

    mutating func parseFile() throws(ProtoSchemaError) -> ProtoSchema {
        if let bad = tokens.first(where: { $0.kind == .symbol && $0.text == "\u{0}" }) {
            throw ProtoSchemaError(message: "unterminated string or comment", line: bad.line, column: bad.column)
        }
        if peek.text == "syntax" {
            advance()
            try expect("=")
            let value = try take(.string, what: "a syntax string")
            guard let found = ProtoSchema.Syntax(rawValue: value.text) else {
                throw error("unknown syntax \"\(value.text)\" (expected \"proto2\" or \"proto3\")", at: value)
            }
            syntax = found
            try expect(";")
        }
        while peek.kind != .end {
            let word = peek
            switch word.text {
            case "package":
                advance()
                package = try take(.identifier, what: "a package name").text
                try expect(";")
            case "import":
                advance()
                if peek.text == "public" || peek.text == "weak" { advance() }
                imports.append(try take(.string, what: "an import path").text)
                try expect(";")
            case "option":
                try skipOption()
            case "message":
                advance()
                topLevel.append(try parseMessage(scope: package))
            case "enum":
                advance()
                try parseEnum(scope: package)
            case "service", "extend":
                advance()
                try skipBlock()
            case ";":
                advance()
            default:
                throw error("expected 'message', 'enum', 'import', 'package' or 'option', found '\(word.text)'", at: word)
            }
        }
        return try resolve()
    }

    // MARK: declarations

    /// Parses a message after its keyword; returns its full name.
    private mutating func parseMessage(scope: String) throws(ProtoSchemaError) -> String {
        let name = try take(.identifier, what: "a message name")
        let fullName = scope.isEmpty ? name.text : scope + "." + name.text
        var message = RawMessage(fullName: fullName, name: name.text)
        let slot = messages.count
        messages.append(message)
        try expect("{")
        try parseBody(of: &message, oneof: nil)
        messages[slot].fields = message.fields
        messages[slot].nested = message.nested
        return fullName
    }

    /// The declarations inside a message's (or a oneof's) braces, through the closing brace.
    private mutating func parseBody(of message: inout RawMessage, oneof: String?) throws(ProtoSchemaError) {
        while true {
            let word = peek
            if word.kind == .end { throw error("expected '}' to close '\(message.name)'", at: word) }
            if word.text == "}" {
                advance()
                return
            }
            switch word.text {
            case ";": advance()
            case "option": try skipOption()
            case "reserved", "extensions": try skipStatement()
            case "message" where oneof == nil:
                advance()
                message.nested.append(try parseMessage(scope: message.fullName))
            case "enum" where oneof == nil:
                advance()
                try parseEnum(scope: message.fullName)
            case "extend" where oneof == nil:
                advance()
                try skipBlock()
            case "oneof" where oneof == nil:
                advance()
                let name = try take(.identifier, what: "a oneof name")
                try expect("{")
                try parseBody(of: &message, oneof: name.text)
            case "map" where peekAhead(1).text == "<":
                message.fields.append(try parseMapField(oneof: oneof))
            case "group":
                throw error("proto2 groups are not supported", at: word)
            default:
                message.fields.append(try parseField(oneof: oneof))
            }
        }
    }

    private mutating func parseField(oneof: String?) throws(ProtoSchemaError) -> RawField {
        var label = ProtoField.Label.singular
        switch peek.text {
        case "optional": label = .optional
        case "required": label = .required
        case "repeated": label = .repeated
        default: break
        }
        if label != .singular, peekAhead(1).kind == .identifier, peekAhead(2).kind == .identifier { advance() }
        if label == .singular, syntax == .proto2, oneof == nil {
            throw error("a proto2 field needs a label ('optional', 'required' or 'repeated')", at: peek)
        }
        let type = try take(.identifier, what: "a field type")
        let name = try take(.identifier, what: "a field name")
        try expect("=")
        let number = try fieldNumber()
        try skipFieldOptions()
        try expect(";")
        return RawField(name: name.text, number: number, label: label, typeName: type.text, oneof: oneof, line: type.line, column: type.column)
    }

    private mutating func parseMapField(oneof: String?) throws(ProtoSchemaError) -> RawField {
        let start = peek
        advance()
        try expect("<")
        let keyToken = try take(.identifier, what: "a map key type")
        guard let key = ProtoScalar(rawValue: keyToken.text), key != .double, key != .float, key != .bytes else {
            throw error("a map key must be an integer, bool or string type, not '\(keyToken.text)'", at: keyToken)
        }
        try expect(",")
        let value = try take(.identifier, what: "a map value type")
        try expect(">")
        let name = try take(.identifier, what: "a field name")
        try expect("=")
        let number = try fieldNumber()
        try skipFieldOptions()
        try expect(";")
        return RawField(name: name.text, number: number, label: .repeated, typeName: value.text, mapKey: key, oneof: oneof,
                        line: start.line, column: start.column)
    }

    private mutating func parseEnum(scope: String) throws(ProtoSchemaError) {
        let name = try take(.identifier, what: "an enum name")
        let fullName = scope.isEmpty ? name.text : scope + "." + name.text
        try expect("{")
        var values: [(name: String, number: Int)] = []
        while peek.text != "}" {
            let word = peek
            if word.kind == .end { throw error("expected '}' to close enum '\(name.text)'", at: word) }
            switch word.text {
            case ";": advance()
            case "option": try skipOption()
            case "reserved": try skipStatement()
            default:
                let valueName = try take(.identifier, what: "an enum value name")
                try expect("=")
                var negative = false
                if peek.text == "-" {
                    negative = true
                    advance()
                }
                let number = try integer()
                values.append((valueName.text, negative ? -number : number))
                try skipFieldOptions()
                try expect(";")
            }
        }
        advance()
        if values.isEmpty { throw error("enum '\(name.text)' has no values", at: name) }
        enums[fullName] = ProtoEnum(name: name.text, fullName: fullName, values: values)
    }

    private mutating func fieldNumber() throws(ProtoSchemaError) -> Int {
        let token = peek
        let number = try integer()
        guard (1...536_870_911).contains(number) else { throw error("field number \(number) is out of range", at: token) }
        return number
    }

    private mutating func integer() throws(ProtoSchemaError) -> Int {
        let token = try take(.integer, what: "a number")
        let text = token.text.lowercased()
        let value: Int? = if text.hasPrefix("0x") {
            Int(text.dropFirst(2), radix: 16)
        } else if text.count > 1, text.hasPrefix("0") {
            Int(text.dropFirst(), radix: 8)
        } else {
            Int(text)
        }
        guard let value else { throw error("'\(token.text)' is not a valid number", at: token) }
        return value
    }

    // MARK: skipping what does not change the wire format

    /// `option name = value;`, the value possibly an aggregate in braces.
    private mutating func skipOption() throws(ProtoSchemaError) {
        advance()
        try skipStatement()
    }

    /// Up to and including the next `;` outside braces.
    private mutating func skipStatement() throws(ProtoSchemaError) {
        var depth = 0
        while true {
            let token = peek
            if token.kind == .end { throw error("expected ';'", at: token) }
            advance()
            if token.kind == .symbol {
                if token.text == "{" { depth += 1 }
                if token.text == "}" { depth -= 1 }
                if token.text == ";", depth == 0 { return }
            }
        }
    }

    /// `[deprecated = true, (custom) = {...}]` after a field.
    private mutating func skipFieldOptions() throws(ProtoSchemaError) {
        guard peek.text == "[" else { return }
        var depth = 0
        repeat {
            let token = peek
            if token.kind == .end { throw error("expected ']' to close the field options", at: token) }
            advance()
            if token.kind == .symbol, token.text == "[" { depth += 1 }
            if token.kind == .symbol, token.text == "]" { depth -= 1 }
        } while depth > 0
    }

    /// A name and a braced block (`service X { ... }`, `extend X { ... }`).
    private mutating func skipBlock() throws(ProtoSchemaError) {
        while peek.text != "{" {
            if peek.kind == .end { throw error("expected '{'", at: peek) }
            advance()
        }
        var depth = 0
        repeat {
            let token = peek
            if token.kind == .end { throw error("expected '}'", at: token) }
            advance()
            if token.kind == .symbol, token.text == "{" { depth += 1 }
            if token.kind == .symbol, token.text == "}" { depth -= 1 }
        } while depth > 0
    }

    // MARK: resolution

    private func resolve() throws(ProtoSchemaError) -> ProtoSchema {
        let declared = Set(messages.map(\.fullName))
        var resolved: [String: ProtoMessage] = [:]
        for message in messages {
            var fields: [ProtoField] = []
            var numbers: Set<Int> = []
            for raw in message.fields {
                guard numbers.insert(raw.number).inserted else {
                    throw ProtoSchemaError(message: "field number \(raw.number) is used twice in '\(message.name)'", line: raw.line, column: raw.column)
                }
                let valueType = try resolveType(raw.typeName, scope: message.fullName, declared: declared, at: raw)
                let type: ProtoType = if let key = raw.mapKey { .map(key: key, value: valueType) } else { valueType }
                fields.append(ProtoField(name: raw.name, number: raw.number, label: raw.label, type: type, oneof: raw.oneof))
            }
            resolved[message.fullName] = ProtoMessage(name: message.name, fullName: message.fullName, fields: fields, nestedMessages: message.nested)
        }
        return ProtoSchema(syntax: syntax, package: package, imports: imports, messages: resolved, enums: enums, topLevelMessages: topLevel)
    }

    /// Protobuf's rule: a relative name is looked up in the enclosing scopes, innermost first.
    private func resolveType(_ name: String, scope: String, declared: Set<String>, at field: RawField) throws(ProtoSchemaError) -> ProtoType {
        if let scalar = ProtoScalar(rawValue: name) { return .scalar(scalar) }
        func known(_ candidate: String) -> ProtoType? {
            if declared.contains(candidate) { return .message(candidate) }
            if enums[candidate] != nil { return .enumeration(candidate) }
            if ProtoWellKnown(fullName: candidate) != nil { return .message(candidate) }
            return nil
        }
        if name.hasPrefix(".") {
            if let found = known(String(name.dropFirst())) { return found }
        } else {
            var prefix = Substring(scope)
            while true {
                if let found = known(prefix.isEmpty ? name : prefix + "." + name) { return found }
                guard !prefix.isEmpty else { break }
                prefix = prefix.lastIndex(of: ".").map { prefix[..<$0] } ?? ""
            }
        }
        throw ProtoSchemaError(message: "unknown type '\(name)' of field '\(field.name)'", line: field.line, column: field.column)
    }

    // MARK: tokens

    private var peek: Token { tokens[index] }
    private func peekAhead(_ n: Int) -> Token { tokens[min(index + n, tokens.count - 1)] }
    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private mutating func take(_ kind: Token.Kind, what: String) throws(ProtoSchemaError) -> Token {
        let token = peek
        guard token.kind == kind else {
            throw error("expected \(what), found \(token.kind == .end ? "the end of the schema" : "'\(token.text)'")", at: token)
        }
        advance()
        return token
    }

    private mutating func expect(_ symbol: String) throws(ProtoSchemaError) {
        let token = peek
        guard token.kind == .symbol, token.text == symbol else {
            throw error("expected '\(symbol)', found \(token.kind == .end ? "the end of the schema" : "'\(token.text)'")", at: token)
        }
        advance()
    }

    private func error(_ message: String, at token: Token) -> ProtoSchemaError {
        ProtoSchemaError(message: message, line: token.line, column: token.column)
    }

    /// Identifiers (dotted full names included), integers, strings, one-character symbols.
    /// An unterminated string or comment becomes a NUL symbol, reported by `parseFile`.
    private static func tokenize(_ text: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        var line = 1
        var lineStart = 0
        func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || ("0"..."9").contains(c) }
        while i < text.count {
            let c = text[i]
            let column = i - lineStart + 1
            if c == "\n" {
                i += 1
                line += 1
                lineStart = i
            } else if c == " " || c == "\t" || c == "\r" {
                i += 1
            } else if c == "/", i + 1 < text.count, text[i + 1] == "/" {
                while i < text.count, text[i] != "\n" { i += 1 }
            } else if c == "/", i + 1 < text.count, text[i + 1] == "*" {
                let (startLine, startColumn) = (line, column)
                i += 2
                while i < text.count, !(text[i] == "*" && i + 1 < text.count && text[i + 1] == "/") {
                    if text[i] == "\n" {
                        line += 1
                        lineStart = i + 1
                    }
                    i += 1
                }
                if i >= text.count {
                    tokens.append(Token(kind: .symbol, text: "\u{0}", line: startLine, column: startColumn))
                } else {
                    i += 2
                }
            } else if isIdentifierStart(c) || (c == "." && i + 1 < text.count && isIdentifierStart(text[i + 1])) {
                var word = String.UnicodeScalarView()
                while i < text.count, isIdentifierPart(text[i]) || (text[i] == "." && i + 1 < text.count && isIdentifierStart(text[i + 1])) {
                    word.append(text[i])
                    i += 1
                }
                tokens.append(Token(kind: .identifier, text: String(word), line: line, column: column))
            } else if ("0"..."9").contains(c) {
                var word = String.UnicodeScalarView()
                while i < text.count, isIdentifierPart(text[i]) || text[i] == "." {
                    word.append(text[i])
                    i += 1
                }
                tokens.append(Token(kind: .integer, text: String(word), line: line, column: column))
            } else if c == "\"" || c == "'" {
                var word = String.UnicodeScalarView()
                i += 1
                while i < text.count, text[i] != c, text[i] != "\n" {
                    if text[i] == "\\", i + 1 < text.count { i += 1 }
                    word.append(text[i])
                    i += 1
                }
                if i < text.count, text[i] == c {
                    i += 1
                    tokens.append(Token(kind: .string, text: String(word), line: line, column: column))
                } else {
                    tokens.append(Token(kind: .symbol, text: "\u{0}", line: line, column: column))
                }
            } else {
                tokens.append(Token(kind: .symbol, text: String(c), line: line, column: column))
                i += 1
            }
        }
        tokens.append(Token(kind: .end, text: "", line: line, column: text.count - lineStart + 1))
        return tokens
    }
}
