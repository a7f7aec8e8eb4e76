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

    /// The field exactly as stored, or "" when it holds nothing but blanks; nil when it is not
    /// valid in a strict encoding. Text the importer stores (ids, names, countries) is read so.
    func exact(_ index: Int) -> String? {
        isBlank(index) ? "" : raw(index)
    }

    /// The field without surrounding blanks; nil when not decodable, "" when blank. Only for
    /// values the importer interprets (header names, codes, kinds), never for text it stores.
    func trimmed(_ index: Int) -> String? {
        var bytes = reader.field(index)
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst()) }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        switch encoding {
        case .utf8: return CSVReader.utf8(bytes)
        case .latin1: return CSVReader.latin1(bytes)
        case .auto: return CSVReader.utf8(bytes) ?? CSVReader.latin1(bytes)
        }
    }

    /// Whether the field holds nothing but blanks.
    func isBlank(_ index: Int) -> Bool {
        reader.field(index).allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}

/// A row the importer refuses, with the reason that goes to `import_rejects`.
struct RowRejection: Error {
    let reason: String

    /// A field's bytes are not valid text in the file's encoding.
    static let undecodable = RowRejection(reason: "a field is not valid UTF-8 (try --encoding latin-1 or auto)")

    /// The record does not have the header's number of fields.
    static func fieldCount(expected: Int, found: Int) -> RowRejection {
        RowRejection(reason: "expected \(expected) fields, found \(found)")
    }
}
