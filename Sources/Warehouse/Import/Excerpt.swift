/// Input quoted in a message (a reject's reason, an error): at most `limit` bytes of it, then an
/// ellipsis, so one huge field or a file read as one line cannot make a huge message.
enum Excerpt {
    /// Bytes of input a message quotes at most.
    static let limit = 200

    /// `text`, cut after at most `limit` UTF-8 bytes (on a character boundary) and marked with `…`.
    static func of(_ text: String, limit: Int = limit) -> String {
        guard text.utf8.count > limit else { return text }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            if bytes > limit { break }
            kept.append(scalar)
        }
        return String(kept) + "…"
    }

    /// Bytes as UTF-8 text (invalid sequences shown as U+FFFD), cut like `of(_:)`.
    static func of(_ bytes: UnsafeRawBufferPointer) -> String {
        guard bytes.count > limit else { return String(decoding: bytes, as: UTF8.self) }
        return of(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<(limit + 4)]), as: UTF8.self))
    }

    /// A list of names (a header's columns) for a message, cut like `of(_:)` as a whole.
    static func list(_ names: [String]) -> String {
        of(names.joined(separator: ", "))
    }
}
