/// Finds the columns of a header record by name: case, blanks and underscores do not matter,
/// so `CustomerID`, `Customer ID` and `customer_id` are the same column.
struct HeaderMap {
    /// Header names as written, in order.
    let names: [String]
    private let normalised: [String]

    /// Reads the reader's current record as the header; from here on the reader expects every
    /// record to have the header's number of fields. A header that cannot be a record is an error.
    init(reader: CSVReader, text: FieldText, file: String) throws {
        if let rejection = reader.rejection { throw ImportError(file: file, line: reader.line, reason: "header: " + rejection) }
        names = (0..<reader.fieldCount).map { text.trimmed($0) ?? "" }
        normalised = names.map(HeaderMap.normalise)
        reader.expectedFieldCount = names.count
    }

    static func normalise(_ name: String) -> String {
        String(name.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" })
    }

    /// Index of the first column matching any of `candidates`.
    func index(of candidates: [String]) -> Int? {
        for candidate in candidates {
            if let index = normalised.firstIndex(of: HeaderMap.normalise(candidate)) { return index }
        }
        return nil
    }

    /// Index of a column that must exist; the error names the file's line 1 and what was found.
    func require(_ field: String, candidates: [String], file: String) throws -> Int {
        guard let index = index(of: candidates) else {
            throw ImportError(file: file, line: 1, reason: "the header has no \(field) column (looked for \(candidates.joined(separator: " or ")); found: \(Excerpt.list(names)))")
        }
        return index
    }
}

/// An import that cannot go on: the file, the line, and why.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int?
    public let reason: String

    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
