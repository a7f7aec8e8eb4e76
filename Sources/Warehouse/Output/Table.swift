import Foundation

/// Rows handed over one at a time to `body`, for an answer too large to hold as a `Table`'s rows
/// (a daily retention triangle has 600,000): its machine formats are written as it goes.
public typealias RowProducer = (_ body: ([Cell]) -> Void) -> Void

/// A result to show: named columns, rows of typed cells, and footnotes.
public struct Table: Sendable, Equatable {
    public var columns: [Column]
    public var rows: [[Cell]]
    /// Lines printed under the table (table and markdown formats) — e.g. what was left out and
    /// why; the `notes` of the JSON object; standard error for csv and jsonl.
    public var notes: [String]

    public init(columns: [Column], rows: [[Cell]], notes: [String] = []) {
        precondition(Set(columns.map(\.key)).count == columns.count, "column keys must be unique: \(columns.map(\.key))")
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }
}

/// How a result is written out.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, jsonl, markdown

    /// `table` on a terminal, `csv` on a pipe or file.
    public static func automatic(isTerminal: Bool) -> OutputFormat { isTerminal ? .table : .csv }

    /// csv, json and jsonl: formats for programs, which write exact values under snake_case keys.
    public var isMachine: Bool { self == .csv || self == .json || self == .jsonl }
}

extension Table {
    /// The table alone rendered in `format` (json: its rows as an array of objects; see
    /// `Answer` for the object every command prints). `width` (table format only): the
    /// terminal's columns; a wider table is shown in blocks of columns that fit, each block
    /// repeating the first column, so nothing is cut.
    public func rendered(as format: OutputFormat, width: Int? = nil) -> String {
        switch format {
        case .table: return renderText(width: width)
        case .markdown: return renderMarkdown()
        case .csv: return renderCSV()
        case .jsonl: return renderJSONLines()
        case .json: return ((try? JSONValue.array(rowObjects).prettyJSONText()) ?? "[]") + "\n"
        }
    }

    /// Each row as a JSON object, members in column order under the columns' keys.
    public var rowObjects: [JSONValue] { rows.map(rowObject) }

    /// One row as a JSON object, members in column order under the columns' keys.
    func rowObject(_ row: [Cell]) -> JSONValue {
        .object(columns.indices.map { JSONMember(columns[$0].key, $0 < row.count ? row[$0].json : .null) })
    }

    /// Every cell as people read it, its mark included (`12.3%*`), all columns.
    public var displayRows: [[String]] { rows.map { $0.map { $0.displayText + $0.mark } } }

    /// Whether a column holds numbers (right-aligned in tables).
    func isNumeric(_ column: Int) -> Bool {
        rows.contains { column < $0.count && $0[column].isNumber }
    }

    /// The text of every cell for people; in a numeric column the marks of all cells take the
    /// same width, so the digits stay aligned (`12.3%*` above `45.0% `).
    private func displayCells() -> [[String]] {
        let markWidths = columns.indices.map { column in
            rows.map { column < $0.count ? $0[column].mark.count : 0 }.max() ?? 0
        }
        return rows.map { row in
            shownColumns.map { column in
                guard column < row.count else { return "" }
                let cell = row[column]
                guard markWidths[column] > 0 else { return cell.displayText }
                return cell.displayText + cell.mark + String(repeating: " ", count: markWidths[column] - cell.mark.count)
            }
        }
    }

    /// The columns tables and markdown show, in order.
    var shownColumns: [Int] { columns.indices.filter { !columns[$0].machineOnly } }

    private func renderText(width: Int?) -> String {
        let cells = displayCells()
        let shown = shownColumns
        let numeric = shown.map(isNumeric)
        let widths = shown.indices.map { index in
            max(columns[shown[index]].label.count, cells.map { $0[index].count }.max() ?? 0)
        }
        func block(_ indices: [Int]) -> [String] {
            func pad(_ text: String, _ index: Int) -> String {
                let fill = String(repeating: " ", count: max(0, widths[index] - text.count))
                return numeric[index] ? fill + text : text + fill
            }
            func line(_ texts: [String]) -> String {
                var text = indices.map { pad(texts[$0], $0) }.joined(separator: "  ")
                while text.last == " " { text.removeLast() }
                return text
            }
            return [line(shown.map { columns[$0].label }), indices.map { String(repeating: "─", count: widths[$0]) }.joined(separator: "  ")]
                + cells.map(line)
        }
        let blocks = ColumnBlocks.split(widths: widths, separator: 2, within: width)
        var out: [String] = []
        for (number, indices) in blocks.enumerated() {
            if blocks.count > 1 {
                if number > 0 { out.append("") }
                let first = indices.count > 1 ? indices[1] : indices[0]
                out.append("(columns \(first + 1)–\(indices.last! + 1) of \(shown.count))")
            }
            out += block(indices)
        }
        out += notes
        return out.joined(separator: "\n") + "\n"
    }

    private func renderMarkdown() -> String {
        func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        let shown = shownColumns
        var out = ["| " + shown.map { escape(columns[$0].label) }.joined(separator: " | ") + " |",
                   "|" + shown.map { isNumeric($0) ? " ---: |" : " --- |" }.joined()]
        out += displayCells().map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
        if !notes.isEmpty { out += [""] + notes }
        return out.joined(separator: "\n") + "\n"
    }

    private func renderCSV() -> String {
        var out = ""
        writeLines(as: .csv) { out += $0 }
        return out
    }

    private func renderJSONLines() -> String {
        var out = ""
        writeLines(as: .jsonl) { out += $0 }
        return out
    }

    /// csv or jsonl, one line at a time (each ending in a newline): the header, then every row as
    /// it is written, so a large answer goes out without a second copy of it in memory. `rows`,
    /// when given, makes the rows instead of `self.rows` (which is then not read).
    public func writeLines(as format: OutputFormat, rows: RowProducer? = nil, _ write: (String) -> Void) {
        precondition(format == .csv || format == .jsonl, "only csv and jsonl are written line by line")
        let produce = rows ?? { body in self.rows.forEach(body) }
        if format == .jsonl {
            produce { row in write(((try? rowObject(row).jsonText()) ?? "{}") + "\n") }
            return
        }
        func quote(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        write(columns.map { quote($0.key) }.joined(separator: ",") + "\n")
        produce { row in
            write(columns.indices.map { quote($0 < row.count ? row[$0].machineText : "") }.joined(separator: ",") + "\n")
        }
    }
}
