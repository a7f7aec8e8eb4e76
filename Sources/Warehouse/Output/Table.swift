import Foundation

/// A result to show: named columns and rows of text cells, with optional footnotes.
public struct Table: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String]]
    /// Lines printed under the table (table and markdown formats) — e.g. what was left out and why.
    public var notes: [String]
    /// Columns that hold numbers (right-aligned, unquoted in JSON).
    public var numericColumns: Set<Int>

    public init(columns: [String], rows: [[String]], notes: [String] = [], numericColumns: Set<Int> = []) {
        self.columns = columns
        self.rows = rows
        self.notes = notes
        self.numericColumns = numericColumns
    }
}

/// How a `Table` is written out.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, markdown

    /// `table` on a terminal, `csv` on a pipe or file.
    public static func automatic(isTerminal: Bool) -> OutputFormat { isTerminal ? .table : .csv }
}

extension Table {
    /// The table rendered in `format`.
    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .table: return renderText()
        case .markdown: return renderMarkdown()
        case .csv: return renderCSV()
        case .json: return renderJSON()
        }
    }

    private func widths() -> [Int] {
        columns.indices.map { column in
            max(columns[column].count, rows.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0)
        }
    }

    private func pad(_ text: String, _ width: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    private func renderText() -> String {
        let widths = widths()
        func line(_ cells: [String]) -> String {
            cells.indices.map { pad(cells[$0], widths[$0], right: numericColumns.contains($0)) }.joined(separator: "  ")
        }
        var out = [line(columns), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        out += notes
        return out.joined(separator: "\n") + "\n"
    }

    private func renderMarkdown() -> String {
        func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        var out = ["| " + columns.map(escape).joined(separator: " | ") + " |",
                   "|" + columns.indices.map { numericColumns.contains($0) ? " ---: |" : " --- |" }.joined()]
        out += rows.map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
        if !notes.isEmpty { out += [""] + notes }
        return out.joined(separator: "\n") + "\n"
    }

    private func renderCSV() -> String {
        func quote(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return ([columns] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    private func renderJSON() -> String {
        let objects: [[String: Any]] = rows.map { row in
            var object: [String: Any] = [:]
            for (index, name) in columns.enumerated() where index < row.count {
                let cell = row[index]
                if numericColumns.contains(index), let number = Double(cell), cell != "" {
                    object[name] = Int64(cell).map { NSNumber(value: $0) } ?? NSNumber(value: number)
                } else if numericColumns.contains(index) && cell.isEmpty {
                    object[name] = NSNull()
                } else {
                    object[name] = cell
                }
            }
            return object
        }
        let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
