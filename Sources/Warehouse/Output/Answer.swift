/// What a command answers, as every `--format` writes it: the question, its parameters, the
/// as-of instant, the rows (a `Table`), further tables, and notes. In JSON it is one object
/// `{"question", "parameters", "as_of", "rows", <section keys>..., "notes"}` (docs/OUTPUT.md);
/// csv and jsonl write the rows alone; table and markdown show every table with its notes.
public struct Answer: Sendable, Equatable {
    /// One further table: its key in JSON and its title in tables.
    public struct Section: Sendable, Equatable {
        public var key: String
        public var title: String
        public var table: Table

        public init(key: String, title: String, table: Table) {
            self.key = key
            self.title = title
            self.table = table
        }
    }

    /// The command that asked, e.g. `rfm`, `retention`, `models list`.
    public var question: String
    /// The options that shaped the answer, under snake_case keys, in a fixed order.
    public var parameters: [JSONMember]
    /// The instant the answer is as of (nil when it is not about a date, e.g. `models list`).
    public var asOf: Int64?
    /// The rows.
    public var table: Table
    /// Tables beside the rows (JSON members after `rows`, always there, maybe empty; table and
    /// markdown show those with rows under the rows).
    public var sections: [Section]
    /// Nested JSON members after the sections, holding what the rows hold in a nested shape
    /// (`models show`'s `model`); the other formats do not write them.
    public var details: [JSONMember]

    public init(question: String, parameters: [JSONMember] = [], asOf: Int64? = nil, table: Table, sections: [Section] = [],
                details: [JSONMember] = []) {
        self.question = question
        self.parameters = parameters
        self.asOf = asOf
        self.table = table
        self.sections = sections
        self.details = details
    }

    /// Every note: the rows' then the sections'.
    public var notes: [String] { table.notes + sections.flatMap(\.table.notes) }

    /// The JSON object.
    public var json: JSONValue {
        var members = [JSONMember("question", .string(question)), JSONMember("parameters", .object(parameters)),
                       JSONMember("as_of", asOf.map { .string(RegistryClock.iso($0)) } ?? .null),
                       JSONMember("rows", .array(table.rowObjects))]
        members += sections.map { JSONMember($0.key, .array($0.table.rowObjects)) }
        members += details
        members.append(JSONMember("notes", .array(notes.map { .string($0) })))
        return .object(members)
    }

    /// The JSON object of ``json``, laid out as `rendered(as: .json)` lays it out (without its final
    /// newline), written a member and a row at a time: the rows never exist as one tree. `rows`,
    /// when given, makes the rows instead of `table.rows`.
    public func writeJSON(rows: RowProducer? = nil, _ write: @escaping (String) -> Void) throws(JSONError) {
        var object = JSONObjectStream(write)
        try object.member("question", .string(question))
        try object.member("parameters", .object(parameters))
        try object.member("as_of", asOf.map { .string(RegistryClock.iso($0)) } ?? .null)
        let table = self.table
        let produce = rows ?? { body in table.rows.forEach(body) }
        try object.arrayMember("rows") { element in produce { element(table.rowObject($0)) } }
        for section in sections {
            try object.arrayMember(section.key) { element in section.table.rows.forEach { element(section.table.rowObject($0)) } }
        }
        for member in details { try object.member(member.key, member.value) }
        try object.member("notes", .array(notes.map { .string($0) }))
        object.end()
    }

    /// The answer in `format`; `width`: the terminal's columns, which wide tables are fitted to
    /// (`Table.rendered(as:width:)`).
    public func rendered(as format: OutputFormat, width: Int? = nil) -> String {
        switch format {
        case .json: return ((try? json.prettyJSONText()) ?? "{}") + "\n"
        case .csv, .jsonl: return table.rendered(as: format)
        case .table, .markdown:
            var text = table.rendered(as: format, width: width)
            for section in sections where !section.table.rows.isEmpty {
                text += "\n" + (section.title.isEmpty ? "" : (format == .markdown ? "### " : "") + section.title + "\n")
                text += section.table.rendered(as: format, width: width)
            }
            return text
        }
    }
}

extension JSONMember {
    /// A parameter member from a cell.
    public init(_ key: String, cell: Cell) { self.init(key, cell.json) }
}
