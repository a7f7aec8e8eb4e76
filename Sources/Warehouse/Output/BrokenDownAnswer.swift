/// One answer per group of a breakdown (`retention --by country`, PostHog's breakdown): tables
/// and markdown show each group's answer under a heading; csv, json and jsonl write one answer
/// whose rows (and sections' rows) start with the group column (docs/OUTPUT.md).
public struct BrokenDownAnswer: Sendable, Equatable {
    /// One group: its value (e.g. a country) and the answer restricted to it.
    public struct Group: Sendable, Equatable {
        public var value: String
        public var answer: Answer

        public init(value: String, answer: Answer) {
            self.value = value
            self.answer = answer
        }
    }

    /// The group column, e.g. `country` or `rfm_segment`.
    public var column: Column
    /// The `by` parameter as given, e.g. `country` or `rfm-segment`.
    public var by: String
    /// The groups, in the order shown.
    public var groups: [Group]
    /// Lines about the breakdown as a whole (e.g. customers in no group).
    public var notes: [String]

    public init(column: Column, by: String, groups: [Group], notes: [String] = []) {
        self.column = column
        self.by = by
        self.groups = groups
        self.notes = notes
    }

    /// The machine answer: the first group's question, parameters (the group's own one null,
    /// `by` added) and as-of; every
    /// group's rows and sections' rows with the group cell first; each `details` member (e.g.
    /// `excluded`) becomes an array of objects, one per group, the group key first; the notes
    /// of each group prefixed with its value, then the breakdown's own.
    public var combined: Answer {
        let first = groups.first?.answer
        func prefixed(_ tables: [(String, Table)]) -> Table {
            let columns = [column] + (tables.first?.1.columns ?? [])
            let rows = tables.flatMap { value, table in table.rows.map { [Cell.text(value)] + $0 } }
            return Table(columns: columns, rows: rows)
        }
        let table = prefixed(groups.map { ($0.value, $0.answer.table) })
        let sections = (first?.sections ?? []).enumerated().map { index, section in
            Answer.Section(key: section.key, title: section.title,
                           table: prefixed(groups.map { ($0.value, $0.answer.sections[index].table) }))
        }
        let details = (first?.details ?? []).map { detail in
            JSONMember(detail.key, .array(groups.map { group in
                let value = group.answer.details.first { $0.key == detail.key }?.value ?? .null
                return .object([JSONMember(column.key, .string(group.value))] + (value.members ?? [JSONMember("value", value)]))
            }))
        }
        let parameters = (first?.parameters ?? []).map { $0.key == column.key ? JSONMember($0.key, .null) : $0 }
        var answer = Answer(question: first?.question ?? "", parameters: parameters + [JSONMember("by", .string(by))],
                            asOf: first?.asOf, table: table, sections: sections, details: details)
        answer.table.notes = groups.flatMap { group in group.answer.notes.map { "\(column.label) \(group.value): \($0)" } } + notes
        return answer
    }

    /// The breakdown in `format`: tables and markdown a heading and answer per group, then the
    /// breakdown's notes; machine formats the `combined` answer.
    /// `width`: the terminal's columns, which wide tables are fitted to.
    public func rendered(as format: OutputFormat, width: Int? = nil) -> String {
        guard !format.isMachine else { return combined.rendered(as: format) }
        var parts = groups.map { group in
            let heading = "\(column.label): \(group.value)"
            return (format == .markdown ? "## " + heading : heading + "\n" + String(repeating: "=", count: heading.count))
                + "\n" + group.answer.rendered(as: format, width: width)
        }
        if !notes.isEmpty { parts.append(notes.joined(separator: "\n") + "\n") }
        return parts.joined(separator: "\n")
    }
}
