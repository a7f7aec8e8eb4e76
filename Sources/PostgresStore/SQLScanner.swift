/// Reads SQL text the way PostgreSQL's lexer separates code from literals: single-quoted
/// strings, double-quoted identifiers, dollar-quoted bodies (`$$…$$`, `$tag$…$tag$`), `--` and
/// `/* */` comments. Used to split a migration file into statements and to turn `:name`
/// parameters into `$n`; neither looks inside a literal or a comment.
enum SQLScanner {
    /// A piece of the text: code the server parses, or something to copy unchanged.
    enum Piece: Equatable {
        case code(Substring)
        case literal(Substring)
    }

    static func pieces(_ text: String) -> [Piece] {
        let chars = Array(text.unicodeScalars)
        var pieces: [Piece] = []
        var start = 0
        var index = 0
        func slice(_ from: Int, _ to: Int) -> Substring {
            let lower = text.unicodeScalars.index(text.unicodeScalars.startIndex, offsetBy: from)
            let upper = text.unicodeScalars.index(lower, offsetBy: to - from)
            return Substring(text.unicodeScalars[lower..<upper])
        }
        func flushCode(_ to: Int) {
            if to > start { pieces.append(.code(slice(start, to))) }
        }
        while index < chars.count {
            let c = chars[index]
            let next: Unicode.Scalar? = index + 1 < chars.count ? chars[index + 1] : nil
            var end: Int?
            if c == "'" || c == "\"" {
                var j = index + 1
                while j < chars.count {
                    if chars[j] == c {
                        if j + 1 < chars.count && chars[j + 1] == c { j += 2; continue }
                        break
                    }
                    j += 1
                }
                end = min(j + 1, chars.count)
            } else if c == "-" && next == "-" {
                var j = index + 2
                while j < chars.count && chars[j] != "\n" { j += 1 }
                end = j
            } else if c == "/" && next == "*" {
                var j = index + 2
                while j + 1 < chars.count && !(chars[j] == "*" && chars[j + 1] == "/") { j += 1 }
                end = min(j + 2, chars.count)
            } else if c == "$", let tagEnd = dollarTagEnd(chars, from: index) {
                let tag = chars[index...tagEnd]
                var j = tagEnd + 1
                while j < chars.count {
                    if chars[j] == "$" && j + tag.count <= chars.count && chars[j..<(j + tag.count)].elementsEqual(tag) { break }
                    j += 1
                }
                end = min(j + tag.count, chars.count)
            }
            if let end {
                flushCode(index)
                pieces.append(.literal(slice(index, end)))
                index = end
                start = end
            } else {
                index += 1
            }
        }
        flushCode(chars.count)
        return pieces
    }

    /// The index of the closing `$` of a dollar-quote tag starting at `from`, or nil when the
    /// `$` there is not one (`$1` is a parameter, not a tag).
    private static func dollarTagEnd(_ chars: [Unicode.Scalar], from: Int) -> Int? {
        if from > 0, isIdentifier(chars[from - 1]) { return nil }
        var j = from + 1
        while j < chars.count, chars[j] != "$" {
            guard isIdentifier(chars[j]), !(j == from + 1 && ("0"..."9").contains(chars[j])) else { return nil }
            j += 1
        }
        return j < chars.count ? j : nil
    }

    static func isIdentifier(_ c: Unicode.Scalar) -> Bool {
        c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    /// The statements of a script, split at semicolons outside literals and comments, without
    /// those that hold nothing but white space and comments.
    static func statements(_ text: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var hasCode = false
        for piece in pieces(text) {
            switch piece {
            case let .literal(literal):
                current += literal
                if !(literal.hasPrefix("--") || literal.hasPrefix("/*")) { hasCode = true }
            case let .code(code):
                var rest = code[...]
                while let semicolon = rest.firstIndex(of: ";") {
                    let head = rest[..<semicolon]
                    current += head
                    if hasCode || !head.allSatisfy(\.isWhitespace) { statements.append(current.trimmingWhitespace()) }
                    current = ""
                    hasCode = false
                    rest = rest[rest.index(after: semicolon)...]
                }
                current += rest
                if !rest.allSatisfy(\.isWhitespace) { hasCode = true }
            }
        }
        if hasCode { statements.append(current.trimmingWhitespace()) }
        return statements
    }

    /// `text` with each `:name` parameter replaced by `$n` (the same name, the same number), and
    /// the names in number order. `::type` casts and text inside literals are left alone.
    static func numberingNamedParameters(_ text: String) -> (sql: String, names: [String]) {
        var names: [String] = []
        var sql = ""
        for piece in pieces(text) {
            switch piece {
            case let .literal(literal): sql += literal
            case let .code(code):
                let scalars = Array(code.unicodeScalars)
                var i = 0
                while i < scalars.count {
                    let c = scalars[i]
                    let previousIsColon = i > 0 && scalars[i - 1] == ":"
                    let nextStartsName = i + 1 < scalars.count && (scalars[i + 1] == "_" || ("a"..."z").contains(scalars[i + 1])
                        || ("A"..."Z").contains(scalars[i + 1]))
                    if c == ":" && !previousIsColon && nextStartsName {
                        var j = i + 1
                        while j < scalars.count && isIdentifier(scalars[j]) { j += 1 }
                        let name = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
                        if let number = names.firstIndex(of: name) {
                            sql += "$\(number + 1)"
                        } else {
                            names.append(name)
                            sql += "$\(names.count)"
                        }
                        i = j
                    } else {
                        sql.unicodeScalars.append(c)
                        i += 1
                    }
                }
            }
        }
        return (sql, names)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
