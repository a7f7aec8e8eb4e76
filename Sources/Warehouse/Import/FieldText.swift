/// Decodes a record's fields to text with the import's encoding, and trims where asked.
struct FieldText {
    let reader: CSVReader
    let encoding: TextEncoding

    /// The field as text exactly as stored (spaces kept); nil when it is not valid in a strict encoding.
    func raw(_ index: Int) -> String? {
        switch encoding {
        case .utf8: return reader.utf8String(at: index)
        case .latin1: return reader.latin1String(at: index)
        case .auto: return reader.utf8String(at: index) ?? reader.latin1String(at: index)
        }
    }

    /// The field without surrounding blanks; nil when not decodable, "" when blank.
    func trimmed(_ index: Int) -> String? {
        guard let text = raw(index) else { return nil }
        guard let first = text.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = text.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(text[first...last])
    }

    /// Whether the field holds nothing but blanks.
    func isBlank(_ index: Int) -> Bool {
        reader.field(index).allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}

/// A row the importer refuses, with the reason that goes to `import_rejects`.
struct RowRejection: Error {
    let reason: String
}
