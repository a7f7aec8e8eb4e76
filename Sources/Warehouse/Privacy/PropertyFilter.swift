import Foundation

/// Data minimisation for event properties (`--keep-properties`): keeps only the named top-level
/// keys of a JSON object. Kept members are copied byte for byte (numbers keep their digits, nested
/// values their text), so the filter never rounds or rewrites what it keeps; an object that loses
/// nothing is returned unchanged.
public struct PropertyFilter: Sendable, Equatable {
    /// The top-level keys kept.
    public let keep: Set<String>

    public init(keep: some Sequence<String>) {
        self.keep = Set(keep)
    }

    /// The names as given on the command line: `a,b,c` (blanks around names ignored, an empty name refused).
    public init(list: String) throws {
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.contains(where: \.isEmpty) else {
            throw PrivacyError("--keep-properties \(list): expected key names separated by commas, e.g. page,device")
        }
        self.init(keep: names)
    }

    /// The kept keys, sorted: how the setting is stored and shown.
    public var names: [String] { keep.sorted() }

    /// `json` (a JSON object, already validated by the decoder) with only the kept keys, and how
    /// many keys were left out.
    func apply(_ json: String) -> (kept: String, dropped: Int) {
        let bytes = Array(json.utf8)
        var members: [ArraySlice<UInt8>] = []
        var dropped = 0
        var i = skipSpace(bytes, 0)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return (json, 0) }
        i += 1
        while true {
            i = skipSpace(bytes, i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { break }
            let keyStart = i
            i = endOfString(bytes, i)
            let keyEnd = i
            let key = Self.decodedKey(bytes[keyStart..<keyEnd])
            i = skipSpace(bytes, i)
            i += 1 // the colon
            i = skipSpace(bytes, i)
            let valueStart = i
            i = endOfValue(bytes, i)
            var valueEnd = i
            while valueEnd > valueStart, Self.isSpace(bytes[valueEnd - 1]) { valueEnd -= 1 }
            if let key, keep.contains(key) {
                members.append(bytes[keyStart..<keyEnd] + [UInt8(ascii: ":")] + bytes[valueStart..<valueEnd])
            } else {
                dropped += 1
            }
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { break }
            i += 1
        }
        guard dropped > 0 else { return (json, 0) }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (index, member) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: member)
        }
        out.append(UInt8(ascii: "}"))
        return (String(decoding: out, as: UTF8.self), dropped)
    }

    /// The index just past the string literal that starts at `start` (its opening quote).
    private func endOfString(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start + 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): return i + 1
            default: i += 1
            }
        }
        return i
    }

    /// The index of the `,` or `}` that ends the member value starting at `start`.
    private func endOfValue(_ bytes: [UInt8], _ start: Int) -> Int {
        var depth = 0
        var i = start
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""): i = endOfString(bytes, i); continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "}"):
                if depth == 0 { return i }
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return i
    }

    private func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
        return i
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d
    }

    /// A key literal's text with its escapes resolved (`"a\u0062"` is `ab`).
    private static func decodedKey(_ literal: ArraySlice<UInt8>) -> String? {
        if !literal.contains(UInt8(ascii: "\\")) {
            return String(decoding: literal.dropFirst().dropLast(), as: UTF8.self)
        }
        return (try? JSONSerialization.jsonObject(with: Data(literal), options: .fragmentsAllowed)) as? String
    }
}
