/// Resolves the csv format's fields to columns: `--map field=column` where given, otherwise a
/// column named like the field (or one of its usual aliases).
struct CSVFieldMap {
    struct Field {
        let name: String
        let aliases: [String]
        let required: Bool
    }

    private(set) var columns: [String: Int] = [:]
    let width: Int

    init(header: HeaderMap, fields: [Field], map: [String: String], file: String) throws {
        let known = Set(fields.map(\.name))
        for key in map.keys where !known.contains(key) {
            throw ImportError(file: file, line: nil, reason: "--map names an unknown field '\(key)'; fields are: \(fields.map(\.name).joined(separator: ", "))")
        }
        for field in fields {
            if let column = map[field.name] {
                guard let index = header.index(of: [column]) else {
                    throw ImportError(file: file, line: 1, reason: "--map \(field.name)=\(column): the header has no column '\(column)' (found: \(Excerpt.list(header.names)))")
                }
                columns[field.name] = index
            } else if let index = header.index(of: [field.name] + field.aliases) {
                columns[field.name] = index
            } else if field.required {
                throw ImportError(file: file, line: 1, reason: "no column for required field '\(field.name)': add --map \(field.name)=COLUMN (header: \(Excerpt.list(header.names)))")
            }
        }
        width = header.names.count
    }

    subscript(name: String) -> Int? { columns[name] }
}

/// One record's mapped fields read as text, for the csv format's decoders.
struct MappedFields {
    private let columns: CSVFieldMap
    private let text: FieldText
    /// A field read so far is not valid text in the file's encoding.
    private(set) var undecodable = false

    init(_ columns: CSVFieldMap, _ text: FieldText) {
        self.columns = columns
        self.text = text
    }

    /// The mapped field's text exactly as stored; nil when unmapped or blank (or undecodable, which is flagged).
    mutating func string(_ field: String) -> String? {
        guard let index = columns[field] else { return nil }
        return checked(text.exact(index))
    }

    /// The mapped field without surrounding blanks, for values the importer interprets (a
    /// currency code, a kind); nil when unmapped or blank (or undecodable, which is flagged).
    mutating func code(_ field: String) -> String? {
        guard let index = columns[field] else { return nil }
        return checked(text.trimmed(index))
    }

    private mutating func checked(_ value: String?) -> String? {
        guard let value else {
            undecodable = true
            return nil
        }
        return value.isEmpty ? nil : value
    }
}
