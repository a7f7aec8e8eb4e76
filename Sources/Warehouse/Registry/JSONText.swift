import Foundation

/// Why a text is not the JSON expected, or a value cannot be written as JSON.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, with a byte offset or a member path where there is one.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension JSONValue {
    /// Compact JSON text (`{"auc":0.73}`), members in order. Doubles are written in the shortest
    /// form that reads back to the same value. Throws for NaN or infinity, naming the path.
    public func jsonText() throws(JSONError) -> String {
        var out = ""
        try JSONWriter(pretty: false).write(self, into: &out, path: "", depth: 0)
        return out
    }

    /// Indented JSON text (two spaces), members in order; throws like ``jsonText()``.
    public func prettyJSONText() throws(JSONError) -> String {
        var out = ""
        try JSONWriter(pretty: true).write(self, into: &out, path: "", depth: 0)
        return out
    }

    /// Whether this is an array or an object.
    var isContainer: Bool {
        switch self {
        case .array, .object: return true
        default: return false
        }
    }

    /// The text of a scalar for people: strings without quotes, numbers as written in JSON,
    /// containers as compact JSON.
    public var displayText: String {
        switch self {
        case .string(let text): return text
        case .null: return "null"
        default: return (try? jsonText()) ?? "\(self)"
        }
    }

    /// Parses JSON text (RFC 8259). Duplicate keys, lone surrogates, numbers out of the double
    /// range and nesting deeper than 512 levels are refused.
    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses UTF-8 JSON bytes; see ``parse(_:)``.
    public static func parse(bytes: [UInt8]) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }
}

/// Writes `JSONValue`s as text.
struct JSONWriter {
    let pretty: Bool

    func write(_ value: JSONValue, into out: inout String, path: String, depth: Int) throws(JSONError) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .integer(let integer): out += String(integer)
        case .number(let number):
            guard number.isFinite else {
                throw JSONError("\(path.isEmpty ? "value" : path) is \(number), which JSON cannot hold: store null or leave it out")
            }
            out += "\(number)"
        case .decimal(let text): out += text
        case .string(let text): JSONWriter.quote(text, into: &out)
        case .array(let elements):
            guard !elements.isEmpty else { out += "[]"; return }
            if pretty && elements.allSatisfy({ !$0.isContainer }) {
                // Short rows of scalars (shapes, feature lists) stay on one line.
                out += "["
                for (index, element) in elements.enumerated() {
                    if index > 0 { out += ", " }
                    try write(element, into: &out, path: path + "[\(index)]", depth: depth + 1)
                }
                out += "]"
                return
            }
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                newline(&out, depth + 1)
                try write(element, into: &out, path: path + "[\(index)]", depth: depth + 1)
            }
            newline(&out, depth)
            out += "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                newline(&out, depth + 1)
                JSONWriter.quote(member.key, into: &out)
                out += pretty ? ": " : ":"
                try write(member.value, into: &out, path: path.isEmpty ? member.key : path + "." + member.key, depth: depth + 1)
            }
            newline(&out, depth)
            out += "}"
        }
    }

    private func newline(_ out: inout String, _ depth: Int) {
        guard pretty else { return }
        out += "\n" + String(repeating: "  ", count: depth)
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// A recursive-descent JSON parser over UTF-8 bytes.
private struct JSONParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ message: String) -> JSONError { JSONError("invalid JSON at byte \(index): \(message)") }

    mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        guard depth < 512 else { throw error("nested deeper than 512 levels") }
        guard index < bytes.count else { throw error("unexpected end of text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    mutating func literal(_ word: String) throws(JSONError) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("expected '\(word)'")
        }
        index += expected.count
    }

    mutating func object(depth: Int) throws(JSONError) -> JSONValue {
        index += 1
        var members: [JSONMember] = []
        var keys = Set<String>()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object([]) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let key = try string()
            guard keys.insert(key).inserted else { throw error("duplicate key \"\(key)\"") }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            index += 1
            skipWhitespace()
            members.append(JSONMember(key, try value(depth: depth + 1)))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw error("expected ',' or '}' in an object")
        }
    }

    mutating func array(depth: Int) throws(JSONError) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array([]) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw error("expected ',' or ']' in an array")
        }
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("bad hex digit in a \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    mutating func string() throws(JSONError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ parser: JSONParser, upTo end: Int) throws(JSONError) {
            guard runStart < end else { return }
            let slice = parser.bytes[runStart..<end]
            guard let text = String(bytes: slice, encoding: .utf8) else { throw parser.error("invalid UTF-8 in a string") }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try flush(self, upTo: index)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw error("control character in a string (escape it)") }
            if byte != UInt8(ascii: "\\") { index += 1; continue }
            try flush(self, upTo: index)
            index += 1
            guard index < bytes.count else { throw error("unterminated escape") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("lone surrogate in a \\u escape")
                    }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("lone surrogate in a \\u escape") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("lone surrogate in a \\u escape") }
                scalars.append(scalar)
            default: throw error("unknown escape '\\\(Character(Unicode.Scalar(escape)))'")
            }
            runStart = index
        }
    }

    mutating func number() throws(JSONError) -> JSONValue {
        let start = index
        var isInteger = true
        func digits(_ parser: inout JSONParser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
                parser.index += 1
            }
            return parser.index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw error("a number needs digits") }
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") { throw error("a number cannot start with 0") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            guard digits(&self) > 0 else { throw error("a fraction needs digits") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            isInteger = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw error("an exponent needs digits") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let number = Double(text), number.isFinite else { throw error("number \(text) is out of range") }
        return .number(number)
    }
}

/// One JSON object written member by member, laid out as ``JSONValue/prettyJSONText()`` lays out
/// the same object, so a large answer goes out without its whole tree in memory: an array member
/// may take its elements one at a time.
struct JSONObjectStream {
    private let write: (String) -> Void
    private var members = 0

    /// Starts the object; `write` receives the text in order.
    init(_ write: @escaping (String) -> Void) {
        self.write = write
    }

    /// A member with its whole value.
    mutating func member(_ key: String, _ value: JSONValue) throws(JSONError) {
        var out = start(key)
        try JSONWriter(pretty: true).write(value, into: &out, path: key, depth: 1)
        write(out)
    }

    /// An array member whose elements `elements` hands over one at a time; every element must
    /// be an object or an array (a pretty array of containers puts each on its own lines).
    /// Throws the first element's error, after the array is closed.
    mutating func arrayMember(_ key: String, _ elements: (_ element: (JSONValue) -> Void) -> Void) throws(JSONError) {
        write(start(key))
        var count = 0
        var failure: JSONError?
        elements { element in
            precondition(element.isContainer, "\(key): streamed elements must be objects or arrays")
            guard failure == nil else { return }
            var out = count == 0 ? "[\n    " : ",\n    "
            do throws(JSONError) {
                try JSONWriter(pretty: true).write(element, into: &out, path: "\(key)[\(count)]", depth: 2)
            } catch {
                failure = error
                return
            }
            write(out)
            count += 1
        }
        write(count == 0 ? "[]" : "\n  ]")
        if let failure { throw failure }
    }

    /// Ends the object.
    func end() {
        write(members == 0 ? "{}" : "\n}")
    }

    /// The text before a member's value: the object's opening or a comma, the indent and the key.
    private mutating func start(_ key: String) -> String {
        var out = members == 0 ? "{\n  " : ",\n  "
        members += 1
        JSONWriter.quote(key, into: &out)
        return out + ": "
    }
}
